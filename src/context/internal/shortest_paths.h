#pragma once

// Shortest-path searches over a JoinGraph, for join paths (join_path.cc). Module-private.
//
// Every search breaks ties alike: nodes are settled in order of key (distance, or distance plus
// the A* bound), then of node index; a node's parent edge is the first one found that is shorter
// than any before by more than kEpsilon. Equal inputs therefore give equal outputs.
//
// Thread-safety: a search object belongs to one thread; the JoinGraph is only read.

#include <algorithm>
#include <limits>
#include <optional>
#include <set>
#include <vector>

#include "context/join_graph.h"

namespace cairn::context::internal {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();
inline constexpr double kEpsilon = 1e-9;

// What one search may not use (a few edges and nodes at most).
struct Bans {
  std::vector<int> edges;
  std::vector<int> nodes;

  bool Edge(int e) const { return std::find(edges.begin(), edges.end(), e) != edges.end(); }
  bool Node(int n) const { return std::find(nodes.begin(), nodes.end(), n) != nodes.end(); }
};

// A min-heap entry of a search: nodes leave in order of key, then of node index.
struct QueueItem {
  double key;
  int node;
};

struct LaterItem {
  bool operator()(const QueueItem& x, const QueueItem& y) const {
    // Bitwise, not short-circuit: no branch to mispredict in the heap's inner loops.
    return (x.key > y.key) | ((x.key == y.key) & (x.node > y.node));
  }
};

// The state of one Dijkstra run, reused across runs: only the nodes a run touched are reset, so
// a search that stops early costs what it explored, not the size of the graph.
struct ShortestPaths {
  explicit ShortestPaths(size_t nodes)
      : distance(nodes, kInfinity), parent_edge(nodes, -1), done(nodes, 0) {}

  std::vector<double> distance;
  std::vector<int> parent_edge;  // -1 at a source or when unreached
  std::vector<char> done;
  std::vector<int> touched;
  std::vector<QueueItem> queue;
};

// No heuristic: plain Dijkstra.
struct NoHeuristic {
  double operator()(int /*node*/, double /*distance*/) const { return 0; }
};

// Dijkstra from every node in `sources` at distance 0, until a node for which `stop` is true is
// settled (its distance and path are then final), or everything reachable within `limit` is.
// With a `remaining` other than NoHeuristic, the search is A*: remaining(node, distance) is a
// lower bound of the node's remaining distance to the goal, consistent across nodes (e.g. exact
// distances in a graph with fewer bans), or infinity to prune the node (it may say so as soon as
// distance + bound exceeds `limit`); nodes are settled in order of distance + remaining. Ties go
// to the lower node index and to the edge seen first, so the result is deterministic.
template <typename Stop, typename Remaining = NoHeuristic>
void Dijkstra(const JoinGraph& graph, const std::vector<int>& sources, const Bans& bans,
              const Stop& stop, ShortestPaths* paths, double limit = kInfinity,
              const Remaining& remaining = {}) {
  for (int node : paths->touched) {
    paths->distance[node] = kInfinity;
    paths->parent_edge[node] = -1;
    paths->done[node] = 0;
  }
  paths->touched.clear();
  std::vector<QueueItem>& queue = paths->queue;
  queue.clear();
  for (int source : sources) {
    paths->distance[source] = 0;
    paths->touched.push_back(source);
    double h = remaining(source, 0.0);
    if (h != kInfinity) queue.push_back({h, source});
  }
  std::make_heap(queue.begin(), queue.end(), LaterItem());
  while (!queue.empty()) {
    std::pop_heap(queue.begin(), queue.end(), LaterItem());
    int node = queue.back().node;
    queue.pop_back();
    if (paths->done[node]) continue;
    paths->done[node] = 1;
    if (stop(node)) return;
    double distance = paths->distance[node];
    for (const JoinArc& arc : graph.arcs(node)) {
      int e = arc.edge, next = arc.to;
      if (!bans.edges.empty() && bans.Edge(e)) continue;
      if (paths->done[next] || (!bans.nodes.empty() && bans.Node(next))) continue;
      double candidate = distance + arc.cost;
      // Not better than the node's current distance: nothing changes whatever its bound.
      if (!(candidate < paths->distance[next] - kEpsilon)) continue;
      double h = remaining(next, candidate);
      if (h == kInfinity || candidate + h > limit + kEpsilon) continue;
      if (paths->distance[next] == kInfinity) paths->touched.push_back(next);
      paths->distance[next] = candidate;
      paths->parent_edge[next] = e;
      queue.push_back({candidate + h, next});
      std::push_heap(queue.begin(), queue.end(), LaterItem());
    }
  }
}

// Dijkstra from one node over the whole graph without bans, run only as far as its users ask
// (their bounds differ, and most stop long before the graph is exhausted). Settled nodes have
// their final distance and parent edge (the same as a Dijkstra run to the end would give, ties
// broken alike); every node not settled is at least radius() away.
class GrowingSearch {
 public:
  GrowingSearch(const JoinGraph& graph, int source)
      : graph_(&graph), nodes_(graph.tables().size()) {
    nodes_[source].distance = 0;
    queue_.push_back({0, source});
  }

  bool settled(int node) const { return nodes_[node].done; }
  double distance(int node) const { return nodes_[node].distance; }
  int parent_edge(int node) const { return nodes_[node].parent_edge; }

  // The least distance of a node not settled; infinity once every reachable node is settled.
  double radius() {
    while (!queue_.empty() && nodes_[queue_.front().node].done) {
      std::pop_heap(queue_.begin(), queue_.end(), LaterItem());
      queue_.pop_back();
    }
    return queue_.empty() ? kInfinity : queue_.front().key;
  }

  // Settles the next node and returns it; -1 when every reachable node is settled.
  int Step() {
    if (radius() == kInfinity) return -1;
    std::pop_heap(queue_.begin(), queue_.end(), LaterItem());
    int node = queue_.back().node;
    queue_.pop_back();
    nodes_[node].done = true;
    double distance = nodes_[node].distance;
    for (const JoinArc& arc : graph_->arcs(node)) {
      NodeState& next = nodes_[arc.to];
      double candidate = distance + arc.cost;
      if (next.done || !(candidate < next.distance - kEpsilon)) continue;
      next.distance = candidate;
      next.parent_edge = arc.edge;
      queue_.push_back({candidate, arc.to});
      std::push_heap(queue_.begin(), queue_.end(), LaterItem());
    }
    return node;
  }

  // Settles nodes until `node` is settled, or radius() >= `at_least`, or
  // `offset` + radius() > `limit` + kEpsilon (the node is then at least that far). True when
  // `node` is settled.
  bool Reach(int node, double at_least, double offset = 0, double limit = kInfinity) {
    while (!nodes_[node].done) {
      double r = radius();
      if (r == kInfinity || r >= at_least || offset + r > limit + kEpsilon) return false;
      Step();
    }
    return true;
  }

 private:
  // One node's state in one record, so that relaxing an arc touches one cache line.
  struct NodeState {
    double distance = kInfinity;
    int parent_edge = -1;
    bool done = false;
  };

  const JoinGraph* graph_;
  std::vector<NodeState> nodes_;
  std::vector<QueueItem> queue_;
};

// The A* bound towards the nearest of some targets: the least exact distance from a node to one
// of them (each target's GrowingSearch advanced only as far as the bound needs), or infinity
// when that is more than `limit` - the distance already walked.
class TowardsNearest {
 public:
  TowardsNearest(std::vector<GrowingSearch*> targets, double limit)
      : targets_(std::move(targets)), limit_(limit) {}

  double operator()(int node, double distance) const {
    double best = kInfinity;
    for (GrowingSearch* target : targets_) {
      if (target->Reach(node, best, distance, limit_)) {
        best = std::min(best, target->distance(node));
      }
    }
    return distance + best > limit_ + kEpsilon ? kInfinity : best;
  }

 private:
  std::vector<GrowingSearch*> targets_;
  double limit_;
};

// The edges from a source of `paths` to `target`, in order from the source.
inline std::vector<int> WalkBack(const JoinGraph& graph, const ShortestPaths& paths, int target) {
  std::vector<int> edges;
  for (int node = target; paths.parent_edge[node] >= 0;) {
    int e = paths.parent_edge[node];
    edges.push_back(e);
    node = graph.edges()[e].Other(node);
  }
  std::reverse(edges.begin(), edges.end());
  return edges;
}

// The tables that one run of the shortest-path heuristic from terminals[start] joins, without
// bans, before its spanning tree is taken: start from the table and repeatedly add the cheapest
// path from the tree built so far to the nearest table not yet in it. Read off the searches from
// each terminal (searches[t] from terminals[t]) instead of searching from the tree: the nearest
// terminal not yet connected is the one whose search reaches the tree first (ties within
// kEpsilon to the lower node index), joined along that search's parent edges from the first
// tree node it settled (the lowest index among equally near ones). On a disconnected graph, sets
// `unreachable` to a terminal that cannot be reached and returns nullopt. `in_tree` is scratch
// space of one char per node, all 0, and is left so.
inline std::optional<std::set<int>> GreedyNodes(const JoinGraph& graph,
                                                const std::vector<int>& terminals, size_t start,
                                                std::vector<GrowingSearch>& searches,
                                                std::vector<char>* in_tree, int* unreachable) {
  std::set<int> nodes = {terminals[start]};
  (*in_tree)[terminals[start]] = 1;
  std::vector<char> connected(terminals.size(), 0);
  connected[start] = 1;
  bool reached_all = true;
  for (size_t added = 1; added < terminals.size() && reached_all; ++added) {
    int nearest = -1, attach = -1;
    double nearest_distance = kInfinity;
    for (size_t t = 0; t < terminals.size(); ++t) {
      if (connected[t]) continue;
      GrowingSearch& search = searches[t];
      // The tree node this search settles first, looking no farther than a nearer terminal.
      int first = -1;
      auto earlier = [&](int node) {
        return first < 0 || search.distance(node) < search.distance(first) ||
               (search.distance(node) == search.distance(first) && node < first);
      };
      for (int node : nodes) {
        if (search.settled(node) && earlier(node)) first = node;
      }
      for (double bound = nearest_distance + kEpsilon;;) {
        double radius = search.radius();
        if (radius == kInfinity || radius > bound ||
            (first >= 0 && radius > search.distance(first))) {
          break;
        }
        int node = search.Step();
        if ((*in_tree)[node] && earlier(node)) first = node;
      }
      if (first < 0) continue;
      double distance = search.distance(first);
      if (nearest < 0 || distance < nearest_distance - kEpsilon ||
          (distance <= nearest_distance + kEpsilon && terminals[t] < terminals[nearest])) {
        nearest = static_cast<int>(t);
        attach = first;
        nearest_distance = distance;
      }
    }
    if (nearest < 0) {
      for (size_t t = 0; t < terminals.size(); ++t) {
        if (!connected[t]) *unreachable = terminals[t];
      }
      reached_all = false;
      break;
    }
    connected[nearest] = 1;
    const GrowingSearch& search = searches[nearest];
    for (int node = attach; search.parent_edge(node) >= 0;) {
      node = graph.edges()[search.parent_edge(node)].Other(node);
      nodes.insert(node);
      (*in_tree)[node] = 1;
    }
  }
  for (int node : nodes) (*in_tree)[node] = 0;
  if (!reached_all) return std::nullopt;
  return nodes;
}

}  // namespace cairn::context::internal
