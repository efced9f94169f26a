// A benchmark reporter that shows results through the reporter the command
// line chose and keeps each benchmark's real time and counters, so that a
// binary can print its baselines and ratios after the run.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace slotwise::bench {

// Keeps real time per iteration (ns) and counters by name and thread count.
class RecordingReporter : public benchmark::BenchmarkReporter {
public:
    struct Result {
        double real_ns = 0;
        benchmark::UserCounters counters;
    };

    explicit RecordingReporter(benchmark::BenchmarkReporter* display) : display_(display) {}

    bool ReportContext(const Context& context) override { return display_->ReportContext(context); }
    // With --benchmark_repetitions the median wins: aggregates come after the
    // repetitions they summarise.
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& run : runs) {
            const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
            if (run.error_occurred || (run.run_type != Run::RT_Iteration && !median)) continue;
            const double per_unit = benchmark::GetTimeUnitMultiplier(run.time_unit);
            results_[key(run.run_name.function_name, static_cast<int>(run.threads))] = {
                run.GetAdjustedRealTime() / per_unit * 1e9, run.counters};
        }
        display_->ReportRuns(runs);
    }
    void Finalize() override { display_->Finalize(); }

    const Result* find(const std::string& name, int threads = 1) const {
        const auto it = results_.find(key(name, threads));
        return it == results_.end() ? nullptr : &it->second;
    }
    bool console() const { return dynamic_cast<benchmark::ConsoleReporter*>(display_.get()) != nullptr; }

private:
    static std::string key(const std::string& name, int threads) { return name + "#" + std::to_string(threads); }
    std::unique_ptr<benchmark::BenchmarkReporter> display_;
    std::map<std::string, Result> results_;
};

// The arguments for benchmark::Initialize: unless told otherwise, each
// benchmark runs five times with the runs of all of them shuffled, and the
// reporter keeps medians: on a shared machine a noisy second then hurts a
// benchmark and its baseline alike instead of whichever ran during it, and
// a table that grows as the run goes on grows under both. `repetitions` is
// set to the count in effect.
inline std::vector<char*> with_default_repetitions(int argc, char** argv, int& repetitions) {
    static std::string repeat = "--benchmark_repetitions=5";
    static std::string shuffle = "--benchmark_enable_random_interleaving=true";
    static std::string aggregates = "--benchmark_display_aggregates_only=true";
    std::vector<char*> args(argv, argv + argc);
    repetitions = 5;
    bool told = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a.starts_with("--benchmark_repetitions=")) {
            told = true;
            repetitions = std::atoi(argv[i] + std::string_view("--benchmark_repetitions=").size());
        }
    }
    if (!told) {
        args.push_back(repeat.data());
        args.push_back(shuffle.data());
        args.push_back(aggregates.data());
    }
    args.push_back(nullptr);
    return args;
}

}  // namespace slotwise::bench
