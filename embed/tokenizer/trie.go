// This file holds byteTrie, a double-array trie over byte strings: finding
// the child of a node is two array reads. WordPiece and Unigram walk it to
// find every vocabulary entry that starts at a position.

package tokenizer

import "sort"

// byteTrie is a double-array trie. Node 0 is the root; the child of node s
// by byte c is t = base[s]+c+1 when check[t] == s.
type byteTrie struct {
	base  []int32
	check []int32
	leaf  []int32  // per node: token id, -1 if no key ends here
	val   []string // per node: the token string of a key node (if kept)
}

func (t *byteTrie) child(node int32, c byte) int32 {
	p := t.base[node] + int32(c) + 1
	if uint32(p) < uint32(len(t.check)) && t.check[p] == node {
		return p
	}
	return -1
}

// maxTrieKey bounds the keys of a trie (WordPiece and Unigram tokens, added
// tokens): a key costs a node per byte, and a 50 MB token took 11 GB and
// 47 s to place. Real vocabularies have tokens of at most a few hundred
// bytes.
const maxTrieKey = 1 << 16

// buildByteTrie builds the trie of keys; ids gives each key's id and, when
// withVals, vals (if not nil) each key's token string (else the key
// itself); without withVals the trie holds no strings. Free slots are kept
// in a linked list so that placing a node skips occupied ones.
func buildByteTrie(keys []string, ids map[string]int, vals map[string]string, withVals bool) byteTrie {
	keys = append([]string(nil), keys...)
	sort.Strings(keys)
	t := byteTrie{}
	var next, prev []int32
	head, tail := int32(-1), int32(-1)
	grow := func(n int) {
		for len(t.check) < n {
			i := int32(len(t.check))
			t.base = append(t.base, 0)
			t.check = append(t.check, -1)
			t.leaf = append(t.leaf, -1)
			if withVals {
				t.val = append(t.val, "")
			}
			next = append(next, -1)
			prev = append(prev, tail)
			if tail >= 0 {
				next[tail] = i
			} else {
				head = i
			}
			tail = i
		}
	}
	use := func(p int32, parent int32) {
		t.check[p] = parent
		if prev[p] >= 0 {
			next[prev[p]] = next[p]
		} else {
			head = next[p]
		}
		if next[p] >= 0 {
			prev[next[p]] = prev[p]
		} else {
			tail = prev[p]
		}
	}
	grow(256)
	use(0, -2) // the root is nobody's child
	type group struct {
		c    byte
		a, b int
	}
	// Depth first, children in byte order, with an explicit stack: keys
	// can be as long as the file (recursion by key length overflowed the
	// goroutine stack on a 50 MB token).
	type frame struct {
		node  int32
		ks    []string
		depth int
	}
	stack := []frame{{0, keys, 0}}
	var groups []group
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		node, ks, depth := f.node, f.ks, f.depth
		if len(ks) > 0 && len(ks[0]) == depth {
			t.leaf[node] = int32(ids[ks[0]])
			if withVals {
				t.val[node] = ks[0]
				if vals != nil {
					t.val[node] = vals[ks[0]]
				}
			}
			ks = ks[1:]
		}
		if len(ks) == 0 {
			continue
		}
		groups = groups[:0]
		for i := 0; i < len(ks); {
			c := ks[i][depth]
			j := i + 1
			for j < len(ks) && ks[j][depth] == c {
				j++
			}
			groups = append(groups, group{c, i, j})
			i = j
		}
		c0 := int32(groups[0].c)
		var b int32
		for p := head; ; {
			if p < 0 {
				n := len(t.check)
				grow(n + 256)
				p = int32(n)
			}
			b = p - c0 - 1
			ok := b >= 0
			for _, g := range groups[1:] {
				if !ok {
					break
				}
				q := int(b) + int(g.c) + 1
				grow(q + 1)
				ok = t.check[q] == -1
			}
			if ok {
				break
			}
			p = next[p]
		}
		t.base[node] = b
		for _, g := range groups {
			use(b+int32(g.c)+1, node)
		}
		for k := len(groups) - 1; k >= 0; k-- {
			g := groups[k]
			stack = append(stack, frame{b + int32(g.c) + 1, ks[g.a:g.b], depth + 1})
		}
	}
	return t
}
