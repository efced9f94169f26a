// The `slotwise` command-line tool: availability of a scenario file and the
// reasons a slot is missing (availability_command.hpp), the administration of
// a database (admin/commands.hpp), and `serve`, the HTTP API
// (serve_command.hpp, when slotwise::http is built).
#include "admin/commands.hpp"
#include "availability_command.hpp"
#ifdef SLOTWISE_HAVE_HTTP
#include "serve_command.hpp"
#endif

#include <iostream>
#include <string_view>
#include <vector>

namespace {

// Runs one command, turning anything unexpected into exit status 1.
template <class Command>
int guarded(Command&& command) {
    try {
        return command();
    } catch (const std::exception& e) {
        std::cerr << "error: internal: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    if (!args.empty() && (args[0] == "-h" || args[0] == "--help" || args[0] == "help")) {
        std::cout << slotwise::cli::main_help << "\n" << slotwise::cli::admin_help;
#ifdef SLOTWISE_HAVE_HTTP
        std::cout << "\n  slotwise serve DB [--port N] [--host ADDR] ...   the HTTP API and admin page (docs/http.md)\n";
#endif
        return 0;
    }
    if (!args.empty() && slotwise::cli::is_admin_command(args[0])) {
        return guarded([&] { return slotwise::cli::run_admin(args, std::cout, std::cerr); });
    }
#ifdef SLOTWISE_HAVE_HTTP
    if (!args.empty() && args[0] == "serve") {
        return guarded([&] { return slotwise::cli::serve({args.begin() + 1, args.end()}, std::cout, std::cerr); });
    }
#endif
    return slotwise::cli::run(args, std::cout, std::cerr);
}
