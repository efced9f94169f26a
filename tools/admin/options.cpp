// The admin commands' option parser (options.hpp).
#include "options.hpp"

#include <slotwise/json_text.hpp>

#include <charconv>

namespace slotwise::cli {

Options::Options(const std::vector<std::string_view>& args, const std::vector<OptionSpec>& specs) {
    const auto find = [&](std::string_view name) -> const OptionSpec* {
        for (const auto& s : specs) {
            if (s.name == name) return &s;
        }
        return nullptr;
    };
    const auto valid = [&] {
        std::string list;
        for (const auto& s : specs) list += (list.empty() ? "--" : ", --") + std::string(s.name);
        return list.empty() ? std::string("none") : list;
    };
    bool only_positional = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto a = args[i];
        if (only_positional || a.size() < 3 || a.substr(0, 2) != "--") {
            if (a == "--") {
                only_positional = true;
                continue;
            }
            if (!only_positional && a.size() > 1 && a.front() == '-') {
                invalid(std::string(a), "unknown option; valid options: " + valid());
            }
            positional_.emplace_back(a);
            continue;
        }
        auto name = a.substr(2);
        std::optional<std::string> inline_value;
        if (const auto eq = name.find('='); eq != std::string_view::npos) {
            inline_value = std::string(name.substr(eq + 1));
            name = name.substr(0, eq);
        }
        const auto* spec = find(name);
        if (!spec) invalid(option_field(name), "unknown option; valid options: " + valid());
        auto& slot = values_[std::string(name)];
        if (!slot.empty() && !spec->repeats) invalid(option_field(name), "given more than once");
        if (!spec->takes_value) {
            if (inline_value) invalid(option_field(name), "takes no value");
            slot.emplace_back();
            continue;
        }
        if (inline_value) {
            slot.push_back(*inline_value);
        } else if (i + 1 < args.size()) {
            slot.emplace_back(args[++i]);
        } else {
            invalid(option_field(name), "expects a value");
        }
    }
}

const std::string& Options::arg(std::size_t n, std::string_view what) const {
    if (n >= positional_.size()) invalid(std::string(what), "missing");
    return positional_[n];
}

void Options::at_most(std::size_t count) const {
    if (positional_.size() > count) invalid(positional_[count], "unexpected argument");
}

std::optional<std::string> Options::value(std::string_view name) const {
    const auto it = values_.find(std::string(name));
    if (it == values_.end() || it->second.empty()) return std::nullopt;
    return it->second.front();
}

std::vector<std::string> Options::values(std::string_view name) const {
    const auto it = values_.find(std::string(name));
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::string Options::required(std::string_view name) const {
    auto v = value(name);
    if (!v) invalid(option_field(name), "missing");
    return *v;
}

std::optional<long long> Options::integer(std::string_view name, long long min, long long max) const {
    const auto v = value(name);
    if (!v) return std::nullopt;
    long long out = 0;
    const auto* end = v->data() + v->size();
    const auto [ptr, ec] = std::from_chars(v->data(), end, out);
    if (ec != std::errc{} || ptr != end) invalid(option_field(name), "not an integer: " + quote_excerpt(*v));
    if (out < min || out > max) {
        invalid(option_field(name), "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    return out;
}

}  // namespace slotwise::cli
