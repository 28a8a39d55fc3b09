package dedup // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/dedup"

// lru is a bounded cache of entries by keyID that evicts the least recently
// used. Its nodes live in one slice and link by index, and binary ids (the
// spans') are found through a table of node indexes (binTable): a cache of
// max_entries (100,000 by default) gives the garbage collector nothing to
// scan, and once full an insert allocates nothing, it takes over the
// evicted node. A request of 50 spans adds 50 keys: with a list of
// pointers, each was an allocation and every garbage collection walked the
// whole list.
type lru struct {
	max   int
	bins  binTable
	texts map[string]int32
	// nodes[0] is the head of the circular list of use, most recent next
	// to it; free chains the nodes removed, by next.
	nodes []lruNode
	// textOf holds the text id of a node, for texts only: a namespace of
	// binary ids has none.
	textOf []string
	free   int32
	n      int
}

type lruNode struct {
	prev, next int32
	e          entry
	bin        [24]byte
	isBin      bool
}

func newLRU(maxEntries int) *lru {
	return &lru{
		max: maxEntries, texts: map[string]int32{},
		nodes: []lruNode{{}}, free: -1,
	}
}

// Len is the number of entries.
func (c *lru) Len() int { return c.n }

func (c *lru) find(id keyID) (int32, bool) {
	if id.isBin {
		i := c.bins.find(c.nodes, &id.bin)
		return i, i > 0
	}
	i, ok := c.texts[id.text]
	return i, ok
}

// Get returns the entry of id and marks it used.
func (c *lru) Get(id keyID) (entry, bool) {
	i, ok := c.find(id)
	if !ok {
		return entry{}, false
	}
	c.toFront(i)
	return c.nodes[i].e, true
}

// Add sets the entry of id and marks it used, evicting the least recently
// used entry when the cache is full.
func (c *lru) Add(id keyID, e entry) {
	if i, ok := c.find(id); ok {
		c.nodes[i].e = e
		c.toFront(i)
		return
	}
	c.insert(id, e)
}

// insert adds id, which the cache does not hold, as Add does.
func (c *lru) insert(id keyID, e entry) {
	var i int32
	switch {
	case c.n >= c.max:
		i = c.nodes[0].prev
		c.forget(i)
		c.unlink(i)
	case c.free >= 0:
		i = c.free
		c.free = c.nodes[i].next
		c.n++
	default:
		i = int32(len(c.nodes))
		c.nodes = append(c.nodes, lruNode{})
		c.n++
	}
	c.nodes[i] = lruNode{e: e, bin: id.bin, isBin: id.isBin}
	if id.isBin {
		c.bins.insert(c.nodes, i)
	} else {
		if c.textOf == nil {
			c.textOf = make([]string, len(c.nodes), cap(c.nodes))
		}
		for len(c.textOf) < len(c.nodes) {
			c.textOf = append(c.textOf, "")
		}
		c.textOf[i] = id.text
		c.texts[id.text] = i
	}
	c.pushFront(i)
}

// Remove forgets id.
func (c *lru) Remove(id keyID) {
	i, ok := c.find(id)
	if !ok {
		return
	}
	c.forget(i)
	c.unlink(i)
	c.nodes[i] = lruNode{next: c.free}
	c.free = i
	c.n--
}

// forget deletes node i's id from the maps.
func (c *lru) forget(i int32) {
	if c.nodes[i].isBin {
		c.bins.remove(c.nodes, i)
		return
	}
	delete(c.texts, c.textOf[i])
	c.textOf[i] = ""
}

func (c *lru) unlink(i int32) {
	n := &c.nodes[i]
	c.nodes[n.prev].next = n.next
	c.nodes[n.next].prev = n.prev
}

func (c *lru) pushFront(i int32) {
	head := &c.nodes[0]
	c.nodes[i].prev, c.nodes[i].next = 0, head.next
	c.nodes[head.next].prev = i
	head.next = i
}

func (c *lru) toFront(i int32) {
	if c.nodes[0].next == i {
		return
	}
	c.unlink(i)
	c.pushFront(i)
}
