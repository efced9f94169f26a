// A benchmark reporter that shows results through the reporter the command
// line chose and keeps each benchmark's real time and counters, so that a
// binary can print its baselines and ratios after the run.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
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

}  // namespace slotwise::bench
