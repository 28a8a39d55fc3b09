package dedup

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// modelLRU is the plain reading of an LRU: ids by recency, most recent first.
type modelLRU struct {
	max     int
	ids     []keyID
	entries map[keyID]entry
}

func (m *modelLRU) touch(id keyID) {
	m.ids = slices.DeleteFunc(m.ids, func(x keyID) bool { return x == id })
	m.ids = slices.Insert(m.ids, 0, id)
}

func (m *modelLRU) get(id keyID) (entry, bool) {
	e, ok := m.entries[id]
	if ok {
		m.touch(id)
	}
	return e, ok
}

func (m *modelLRU) add(id keyID, e entry) {
	if _, ok := m.entries[id]; !ok && len(m.ids) == m.max {
		delete(m.entries, m.ids[len(m.ids)-1])
		m.ids = m.ids[:len(m.ids)-1]
	}
	m.entries[id] = e
	m.touch(id)
}

func (m *modelLRU) remove(id keyID) {
	delete(m.entries, id)
	m.ids = slices.DeleteFunc(m.ids, func(x keyID) bool { return x == id })
}

// order walks the cache's list of use, most recent first.
func (c *lru) order() []keyID {
	var ids []keyID
	for i := c.nodes[0].next; i != 0; i = c.nodes[i].next {
		n := c.nodes[i]
		id := keyID{bin: n.bin, isBin: n.isBin}
		if !n.isBin {
			id.text = c.textOf[i]
		}
		ids = append(ids, id)
	}
	return ids
}

// TestLRUAsModel: the cache keeps, evicts and orders entries as the plain
// model does, over random Gets, Adds and Removes of binary and text ids.
func TestLRUAsModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, maxEntries := range []int{1, 2, 5, 17, 300} {
		c := newLRU(maxEntries)
		m := &modelLRU{max: maxEntries, entries: map[keyID]entry{}}
		for op := range 5000 {
			var id keyID
			if n := rng.IntN(3 * maxEntries); rng.IntN(2) == 0 {
				id = keyID{isBin: true}
				id.bin[0], id.bin[23] = byte(n), byte(n>>8)
			} else {
				id = keyID{text: "t" + strconv.Itoa(n)}
			}
			switch rng.IntN(4) {
			case 0, 1:
				e := entry{expires: int64(op), done: op%2 == 0}
				c.Add(id, e)
				m.add(id, e)
			case 2:
				got, gok := c.Get(id)
				want, wok := m.get(id)
				require.Equal(t, wok, gok, "op %d", op)
				require.Equal(t, want, got, "op %d", op)
			case 3:
				c.Remove(id)
				m.remove(id)
			}
			require.Equal(t, len(m.ids), c.Len(), "op %d", op)
			require.Equal(t, append([]keyID{}, m.ids...), append([]keyID{}, c.order()...), "op %d", op)
			require.Equal(t, c.Len(), c.bins.n+len(c.texts))
		}
	}
}

// TestLRUFullAllocatesNothing: once full, adding evicts into the evicted
// node, and a binary id costs no allocation.
func TestLRUFullAllocatesNothing(t *testing.T) {
	c := newLRU(64)
	var id keyID
	id.isBin = true
	next := func() keyID {
		id.bin[0]++
		if id.bin[0] == 0 {
			id.bin[1]++
		}
		return id
	}
	for range 1000 {
		c.Add(next(), entry{expires: 1})
	}
	require.Zero(t, testing.AllocsPerRun(1000, func() { c.Add(next(), entry{expires: 1}) }))
	require.Equal(t, 64, c.Len())
}

// TestBinTableCollisions: ids that share a home slot, and their neighbours,
// are found after any order of inserts and removes (the back shift).
func TestBinTableCollisions(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var probe binTable
	probe.grow(nil) // 64 slots
	nodes := []lruNode{{}}
	for len(nodes) < 25 {
		var b [24]byte
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		// Homes 7 and 8 only: long runs that wrap into each other.
		if h := probe.home(&b); h == 7 || h == 8 {
			nodes = append(nodes, lruNode{bin: b, isBin: true})
		}
	}
	for range 200 {
		var tab binTable
		held := map[int32]bool{}
		for range 100 {
			n := int32(1 + rng.IntN(len(nodes)-1))
			if held[n] {
				tab.remove(nodes, n)
				delete(held, n)
			} else {
				tab.insert(nodes, n)
				held[n] = true
			}
			for m := int32(1); m < int32(len(nodes)); m++ {
				want := int32(0)
				if held[m] {
					want = m
				}
				require.Equal(t, want, tab.find(nodes, &nodes[m].bin))
			}
			require.Equal(t, len(held), tab.n)
		}
	}
}
