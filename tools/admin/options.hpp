// tools/admin/options.hpp — the command line of one admin command: its
// positional arguments and its `--name value` options, checked against the
// options the command takes, so that a typo is an error naming the valid
// ones rather than an option silently ignored.
//
// A value type; not shared between threads.
#pragma once

#include <slotwise/error.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotwise::cli {

/// An option a command takes.
struct OptionSpec {
    std::string_view name;   ///< without the dashes, e.g. "tenant"
    bool takes_value = true; ///< false: a flag such as --json
    bool repeats = false;    ///< may be given more than once
};

/// A command's parsed arguments.
class Options {
public:
    /// Parses `args` (after the command's words). `--json` and `--tenant`
    /// are accepted by every command that lists them in `specs`. Throws
    /// `invalid_argument` naming the option for an unknown one (listing the
    /// valid ones), a missing value or a repeat.
    Options(const std::vector<std::string_view>& args, const std::vector<OptionSpec>& specs);

    /// The positional arguments, in order.
    const std::vector<std::string>& positional() const noexcept { return positional_; }
    /// The n-th positional argument, or `invalid_argument` naming `what`.
    const std::string& arg(std::size_t n, std::string_view what) const;
    /// Fails naming the first positional argument past `count`.
    void at_most(std::size_t count) const;

    bool flag(std::string_view name) const { return values_.count(std::string(name)) != 0; }
    std::optional<std::string> value(std::string_view name) const;
    std::vector<std::string> values(std::string_view name) const;
    /// The option's value, or `invalid_argument` naming `--name`.
    std::string required(std::string_view name) const;
    /// An integer option in [min, max], named in its error.
    std::optional<long long> integer(std::string_view name, long long min, long long max) const;

private:
    std::vector<std::string> positional_;
    std::map<std::string, std::vector<std::string>> values_;
};

/// "--name": how errors name an option.
inline std::string option_field(std::string_view name) { return "--" + std::string(name); }

}  // namespace slotwise::cli
