// What arrived between a SampleMark and now, computed from the sampler's cumulative results
// (Sampler::since). Not async-signal-safe; called under the sampler's mutex.
#pragma once

#include <cstdint>
#include <vector>

#include "aiprof/sampler/sampled_session.hpp"
#include "aiprof/sampler/stack_trie.hpp"

namespace aiprof::sampler::detail {

// A fresh trie of the samples `now` has beyond `at_mark` (its nodes' self_samples at the mark;
// nodes made later count from 0). *node_of maps each node of `now` to the fresh trie's node,
// or UINT32_MAX where no sample arrived after the mark.
StackTrie stacks_since(const StackTrie& now, const std::vector<uint64_t>& at_mark,
                       std::vector<uint32_t>* node_of);

// The figures of one thread over the interval: `now` less `at_mark` (null: the thread
// registered after the mark, so all of `now`).
ThreadFigures figures_since(const ThreadFigures& now, const ThreadFigures* at_mark);

}  // namespace aiprof::sampler::detail
