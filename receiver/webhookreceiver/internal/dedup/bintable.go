package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

import (
	"encoding/binary"
	"math/bits"
)

// binTable finds the node of a binary id (a span's trace and span IDs): an
// open-addressing table of node indexes, probed linearly, never more than
// half full, and emptied by shifting back, so that it has no tombstones: a
// cache that evicts a span for every span it adds would fill a Go map with
// them and lengthen every probe. An index is 4 bytes and no pointer, and a
// hit reads the table and the node.
type binTable struct {
	slots []int32 // node indexes; 0, the list's head, marks an empty slot
	n     int
	shift uint8 // 64 - log2(len(slots))
}

// binHash spreads an id over the table: trace and span IDs are random as
// a rule, but a sender may number them, so they are mixed.
func binHash(b *[24]byte) uint64 {
	x := binary.LittleEndian.Uint64(b[0:]) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(b[8:]), 21) ^
		bits.RotateLeft64(binary.LittleEndian.Uint64(b[16:]), 42)
	return x * 0x9e3779b97f4a7c15
}

func (t *binTable) home(b *[24]byte) int { return int(binHash(b) >> t.shift) }

// find returns the node holding id, or 0.
func (t *binTable) find(nodes []lruNode, id *[24]byte) int32 {
	if t.n == 0 {
		return 0
	}
	mask := len(t.slots) - 1
	for i := t.home(id); ; i = (i + 1) & mask {
		n := t.slots[i]
		if n == 0 || nodes[n].bin == *id {
			return n
		}
	}
}

// insert adds node n, whose id the table does not hold.
func (t *binTable) insert(nodes []lruNode, n int32) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow(nodes)
	}
	t.place(nodes, n)
	t.n++
}

func (t *binTable) place(nodes []lruNode, n int32) {
	mask := len(t.slots) - 1
	i := t.home(&nodes[n].bin)
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = n
}

func (t *binTable) grow(nodes []lruNode) {
	old := t.slots
	size := max(64, 2*len(old))
	t.slots = make([]int32, size)
	t.shift = uint8(64 - bits.TrailingZeros(uint(size)))
	for _, n := range old {
		if n != 0 {
			t.place(nodes, n)
		}
	}
}

// remove deletes node n, which the table holds, and shifts back the
// entries after it whose probe passed its slot.
func (t *binTable) remove(nodes []lruNode, n int32) {
	mask := len(t.slots) - 1
	i := t.home(&nodes[n].bin)
	for t.slots[i] != n {
		i = (i + 1) & mask
	}
	for j := (i + 1) & mask; t.slots[j] != 0; j = (j + 1) & mask {
		// The entry at j may move to i unless its home lies in (i, j].
		k := t.home(&nodes[t.slots[j]].bin)
		if (j-k)&mask < (j-i)&mask {
			continue
		}
		t.slots[i] = t.slots[j]
		i = j
	}
	t.slots[i] = 0
	t.n--
}
