// Package chatmsg turns the chat messages of OpenAI and Anthropic requests
// and responses into the form of the GenAI semantic conventions'
// gen_ai.input.messages, gen_ai.output.messages and
// gen_ai.system_instructions, for the decoders of senders that carry them
// as sent (Helicone's bodies, LiteLLM's messages and response).
package chatmsg // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/chatmsg"

import "encoding/json"

// Message is a chat message in the form of the GenAI semantic conventions'
// gen_ai.input.messages and gen_ai.output.messages.
type Message struct {
	Role         string `json:"role"`
	Parts        []Part `json:"parts"`
	FinishReason string `json:"finish_reason,omitempty"`
}

// Part is one part of a message: {"type": "text", "content": ...},
// {"type": "tool_call", ...}, {"type": "uri", ...}, ...
type Part map[string]any

// InputMessages reads the messages of an OpenAI or Anthropic chat request,
// and Anthropic's separate system prompt.
func InputMessages(req map[string]any) (system []Part, msgs []Message) {
	if s, ok := req["system"]; ok {
		system = partsOf(s)
	}
	list, _ := req["messages"].([]any)
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		role := str(m["role"])
		parts := partsOf(m["content"])
		if role == "tool" {
			parts = []Part{{"type": "tool_call_response", "id": str(m["tool_call_id"]), "response": m["content"]}}
		}
		parts = append(parts, toolCalls(m["tool_calls"])...)
		msgs = append(msgs, Message{Role: role, Parts: parts})
	}
	if p, ok := req["prompt"].(string); ok && len(msgs) == 0 {
		msgs = append(msgs, Message{Role: "user", Parts: []Part{{"type": "text", "content": p}}})
	}
	return system, msgs
}

// OutputMessages reads the answer of an OpenAI chat or text completion
// (choices) or an Anthropic message (content blocks).
func OutputMessages(resp map[string]any) []Message {
	var out []Message
	if choices, ok := resp["choices"].([]any); ok {
		for _, c := range choices {
			cm, ok := c.(map[string]any)
			if !ok {
				continue
			}
			msg := Message{Role: "assistant", FinishReason: str(cm["finish_reason"])}
			if m, ok := cm["message"].(map[string]any); ok {
				if r := str(m["role"]); r != "" {
					msg.Role = r
				}
				msg.Parts = append(partsOf(m["content"]), toolCalls(m["tool_calls"])...)
			} else if text, ok := cm["text"].(string); ok {
				msg.Parts = []Part{{"type": "text", "content": text}}
			}
			out = append(out, msg)
		}
		return out
	}
	if str(resp["type"]) == "message" {
		role := str(resp["role"])
		if role == "" {
			role = "assistant"
		}
		out = append(out, Message{Role: role, Parts: partsOf(resp["content"]), FinishReason: str(resp["stop_reason"])})
	}
	return out
}

// partsOf reads message content: a string, or a list of OpenAI content
// parts or Anthropic content blocks.
func partsOf(content any) []Part {
	switch c := content.(type) {
	case string:
		return []Part{{"type": "text", "content": c}}
	case []any:
		parts := make([]Part, 0, len(c))
		for _, item := range c {
			if b, ok := item.(map[string]any); ok {
				parts = append(parts, blockPart(b))
			}
		}
		return parts
	}
	return nil
}

func blockPart(b map[string]any) Part {
	switch t := str(b["type"]); t {
	case "text", "input_text", "output_text":
		return Part{"type": "text", "content": str(b["text"])}
	case "thinking":
		return Part{"type": "reasoning", "content": str(b["thinking"])}
	case "image_url":
		url, _ := b["image_url"].(map[string]any)
		return Part{"type": "uri", "modality": "image", "uri": str(url["url"])}
	case "image":
		if src, ok := b["source"].(map[string]any); ok && str(src["type"]) == "url" {
			return Part{"type": "uri", "modality": "image", "uri": str(src["url"])}
		}
		return Part{"type": "blob", "modality": "image"}
	case "tool_use":
		return Part{"type": "tool_call", "id": str(b["id"]), "name": str(b["name"]), "arguments": b["input"]}
	case "tool_result":
		return Part{"type": "tool_call_response", "id": str(b["tool_use_id"]), "response": b["content"]}
	default:
		return Part{"type": t}
	}
}

// toolCalls reads OpenAI's tool_calls, whose arguments are JSON text.
func toolCalls(v any) []Part {
	list, _ := v.([]any)
	var parts []Part
	for _, item := range list {
		tc, ok := item.(map[string]any)
		if !ok {
			continue
		}
		fn, _ := tc["function"].(map[string]any)
		var args any = str(fn["arguments"])
		var parsed any
		if s := str(fn["arguments"]); s != "" && json.Unmarshal([]byte(s), &parsed) == nil {
			args = parsed
		}
		parts = append(parts, Part{"type": "tool_call", "id": str(tc["id"]), "name": str(fn["name"]), "arguments": args})
	}
	return parts
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
