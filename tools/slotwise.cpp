// The `slotwise` command-line tool: availability of a scenario file and the
// reasons a slot is missing (availability_command.hpp), and the
// administration of a database (admin/commands.hpp).
#include "admin/commands.hpp"
#include "availability_command.hpp"

#include <iostream>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    if (!args.empty() && (args[0] == "-h" || args[0] == "--help" || args[0] == "help")) {
        std::cout << slotwise::cli::main_help << "\n" << slotwise::cli::admin_help;
        return 0;
    }
    if (!args.empty() && slotwise::cli::is_admin_command(args[0])) {
        try {
            return slotwise::cli::run_admin(args, std::cout, std::cerr);
        } catch (const std::exception& e) {
            std::cerr << "error: internal: " << e.what() << "\n";
            return 1;
        }
    }
    return slotwise::cli::run(args, std::cout, std::cerr);
}
