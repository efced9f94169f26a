// The `slotwise` command-line tool: availability of a scenario file, and the
// reasons a slot is missing. The commands live in availability_command.hpp.
#include "availability_command.hpp"

#include <iostream>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    return slotwise::cli::run(args, std::cout, std::cerr);
}
