/// Tarjan's strongly connected components over a small directed graph, iterative so that deep
/// models cannot exhaust the stack.
struct StronglyConnectedComponents {
    let edges: [String: [String]]
    private var index: [String: Int] = [:]
    private var lowLink: [String: Int] = [:]
    private var onStack = Set<String>()
    private var stack: [String] = []
    private var component: [String: Int] = [:]
    private var counter = 0
    private var components = 0

    init(edges: [String: [String]]) {
        self.edges = edges
    }

    /// The component number of every node.
    mutating func run(nodes: [String]) -> [String: Int] {
        for node in nodes where index[node] == nil {
            visit(node)
        }
        return component
    }

    private mutating func visit(_ root: String) {
        // Each frame is a node and the position of the next edge to follow.
        var frames: [(node: String, next: Int)] = [(root, 0)]
        open(root)
        while let frame = frames.last {
            let successors = edges[frame.node] ?? []
            if frame.next < successors.count {
                frames[frames.count - 1].next += 1
                let successor = successors[frame.next]
                if index[successor] == nil {
                    open(successor)
                    frames.append((successor, 0))
                } else if onStack.contains(successor) {
                    lowLink[frame.node] = min(lowLink[frame.node]!, index[successor]!)
                }
                continue
            }
            frames.removeLast()
            if let parent = frames.last {
                lowLink[parent.node] = min(lowLink[parent.node]!, lowLink[frame.node]!)
            }
            if lowLink[frame.node] == index[frame.node] {
                while let member = stack.popLast() {
                    onStack.remove(member)
                    component[member] = components
                    if member == frame.node { break }
                }
                components += 1
            }
        }
    }

    private mutating func open(_ node: String) {
        index[node] = counter
        lowLink[node] = counter
        counter += 1
        stack.append(node)
        onStack.insert(node)
    }
}
