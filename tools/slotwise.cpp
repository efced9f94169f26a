// The `slotwise` command-line tool: availability of a scenario file, and the
// reasons a slot is missing. The commands live in availability_command.hpp.
#include "availability_command.hpp"
#ifdef SLOTWISE_HAVE_HTTP
#include "serve_command.hpp"
#endif

#include <iostream>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
#ifdef SLOTWISE_HAVE_HTTP
    if (!args.empty() && args[0] == "serve") {
        try {
            return slotwise::cli::serve({args.begin() + 1, args.end()}, std::cout, std::cerr);
        } catch (const std::exception& e) {
            std::cerr << "error: internal: " << e.what() << "\n";
            return 1;
        }
    }
#endif
    return slotwise::cli::run(args, std::cout, std::cerr);
}
