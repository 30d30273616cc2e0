package io.deployster.workflow;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Finds an alias that refers to a node containing it ({@code a: &x {b: *x}}). SnakeYAML builds such a
 * document into a map that contains itself, and walking, hashing or printing it overflows the stack;
 * the composed node graph is checked first so the user gets a line number instead.
 */
public final class YamlRecursion {
    private YamlRecursion() {
    }

    /**
     * @param root a composed document (null for an empty one)
     * @return "an alias refers to the node that contains it (the node anchored at line L)" (L counted from 1),
     *         or null when the document has no such alias
     */
    public static String problem(Node root) {
        Set<Node> path = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Node> done = Collections.newSetFromMap(new IdentityHashMap<>());
        Node looped = root == null ? null : walk(root, path, done);
        return looped == null ? null
                : "an alias refers to the node that contains it (the node anchored at line " + (looped.getStartMark().getLine() + 1) + ")";
    }

    // depth is bounded by the loader's nesting limit; 'done' keeps shared (non-recursive) aliases from being walked twice
    private static Node walk(Node node, Set<Node> path, Set<Node> done) {
        if (path.contains(node)) {
            return node;
        }
        if (!done.add(node)) {
            return null;
        }
        path.add(node);
        try {
            if (node instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    Node found = walk(t.getKeyNode(), path, done);
                    if (found == null) {
                        found = walk(t.getValueNode(), path, done);
                    }
                    if (found != null) {
                        return found;
                    }
                }
            } else if (node instanceof SequenceNode s) {
                for (Node child : s.getValue()) {
                    Node found = walk(child, path, done);
                    if (found != null) {
                        return found;
                    }
                }
            }
            return null;
        } finally {
            path.remove(node);
        }
    }
}
