package delivery // import "github.com/otelcol-webhook/otelcol-webhook/exporter/webhookexporter/internal/delivery"

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/extension/xextension/storage"
)

// Keys of the storage store. The client is the exporter's own for one
// signal, so the keys need no further namespace; the prefix keeps them
// apart from anything else written with the same client.
const (
	keySeq          = "delivery/seq"
	keyDisabled     = "delivery/disabled"
	keyRecordPrefix = "delivery/r/"
	keyBodyPrefix   = "delivery/b/"
)

// storageStore keeps records and bodies in a storage extension's client:
// a record's metadata and its body under two keys, so that an attempt
// rewrites only the metadata.
type storageStore struct {
	client storage.Client
	// next is the sequence number written under keySeq: it never goes
	// back when a record refused earlier is written after later ones.
	next uint64
}

// NewStorageStore returns a store on client, which it closes on Close.
func NewStorageStore(client storage.Client) Store { return &storageStore{client: client} }

func recordKey(seq uint64) string { return keyRecordPrefix + strconv.FormatUint(seq, 10) }
func bodyKey(seq uint64) string   { return keyBodyPrefix + strconv.FormatUint(seq, 10) }

func (s *storageStore) Load(ctx context.Context) ([]*Record, uint64, error) {
	raw, err := s.client.Get(ctx, keySeq)
	if err != nil {
		return nil, 0, fmt.Errorf("reading the delivery store: %w", err)
	}
	var next uint64
	if len(raw) == 8 {
		next = binary.BigEndian.Uint64(raw)
	}
	var records []*Record
	decode := func(key string, value []byte) error {
		r := &Record{index: -1}
		if err := json.Unmarshal(value, r); err != nil {
			return fmt.Errorf("reading the delivery store: %s is not a delivery record: %w", key, err)
		}
		records = append(records, r)
		next = max(next, r.Seq+1)
		return nil
	}
	if w, ok := s.client.(storage.Walker); ok {
		err := w.Walk(ctx, func(key string, value []byte) ([]*storage.Operation, error) {
			if !strings.HasPrefix(key, keyRecordPrefix) {
				return nil, nil
			}
			return nil, decode(key, value)
		})
		s.next = next
		return records, next, err
	}
	// Without Walk, every sequence number ever given is looked up.
	for seq := range next {
		value, err := s.client.Get(ctx, recordKey(seq))
		if err != nil {
			return nil, 0, fmt.Errorf("reading the delivery store: %w", err)
		}
		if value != nil {
			if err := decode(recordKey(seq), value); err != nil {
				return nil, 0, err
			}
		}
	}
	s.next = next
	return records, next, nil
}

func (s *storageStore) Add(ctx context.Context, r *Record, body []byte) error {
	meta, err := json.Marshal(r)
	if err != nil {
		return err
	}
	s.next = max(s.next, r.Seq+1)
	seq := binary.BigEndian.AppendUint64(nil, s.next)
	return s.client.Batch(ctx,
		storage.SetOperation(bodyKey(r.Seq), body),
		storage.SetOperation(recordKey(r.Seq), meta),
		storage.SetOperation(keySeq, seq))
}

func (s *storageStore) Update(ctx context.Context, r *Record) error {
	meta, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.client.Set(ctx, recordKey(r.Seq), meta)
}

func (s *storageStore) Body(ctx context.Context, r *Record) ([]byte, error) {
	body, err := s.client.Get(ctx, bodyKey(r.Seq))
	if err != nil {
		return nil, err
	}
	if body == nil && r.Bytes > 0 {
		return nil, fmt.Errorf("the body of delivery %s is missing from the store", r.ID)
	}
	return body, nil
}

func (s *storageStore) Remove(ctx context.Context, rs ...*Record) error {
	if len(rs) == 0 {
		return nil
	}
	ops := make([]*storage.Operation, 0, 2*len(rs))
	for _, r := range rs {
		ops = append(ops, storage.DeleteOperation(recordKey(r.Seq)), storage.DeleteOperation(bodyKey(r.Seq)))
	}
	return s.client.Batch(ctx, ops...)
}

func (s *storageStore) Disabled(ctx context.Context) (bool, error) {
	v, err := s.client.Get(ctx, keyDisabled)
	return len(v) == 1 && v[0] == 1, err
}

func (s *storageStore) SetDisabled(ctx context.Context, disabled bool) error {
	if disabled {
		return s.client.Set(ctx, keyDisabled, []byte{1})
	}
	return s.client.Delete(ctx, keyDisabled)
}

func (s *storageStore) Persistent() bool { return true }

func (s *storageStore) Close(ctx context.Context) error { return s.client.Close(ctx) }
