package helicone // import "github.com/otelcol-webhook/otelcol-webhook/receiver/webhookreceiver/internal/helicone"

import "encoding/json"

// message is a chat message in the form of the GenAI semantic conventions'
// gen_ai.input.messages and gen_ai.output.messages.
type message struct {
	Role         string `json:"role"`
	Parts        []part `json:"parts"`
	FinishReason string `json:"finish_reason,omitempty"`
}

// part is one part of a message: {"type": "text", "content": ...},
// {"type": "tool_call", ...}, {"type": "uri", ...}, ...
type part map[string]any

// inputMessages reads the messages of an OpenAI or Anthropic chat request,
// and Anthropic's separate system prompt.
func inputMessages(req map[string]any) (system []part, msgs []message) {
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
			parts = []part{{"type": "tool_call_response", "id": str(m["tool_call_id"]), "response": m["content"]}}
		}
		parts = append(parts, toolCalls(m["tool_calls"])...)
		msgs = append(msgs, message{Role: role, Parts: parts})
	}
	if p, ok := req["prompt"].(string); ok && len(msgs) == 0 {
		msgs = append(msgs, message{Role: "user", Parts: []part{{"type": "text", "content": p}}})
	}
	return system, msgs
}

// outputMessages reads the answer of an OpenAI chat or text completion
// (choices) or an Anthropic message (content blocks).
func outputMessages(resp map[string]any) []message {
	var out []message
	if choices, ok := resp["choices"].([]any); ok {
		for _, c := range choices {
			cm, ok := c.(map[string]any)
			if !ok {
				continue
			}
			msg := message{Role: "assistant", FinishReason: str(cm["finish_reason"])}
			if m, ok := cm["message"].(map[string]any); ok {
				if r := str(m["role"]); r != "" {
					msg.Role = r
				}
				msg.Parts = append(partsOf(m["content"]), toolCalls(m["tool_calls"])...)
			} else if text, ok := cm["text"].(string); ok {
				msg.Parts = []part{{"type": "text", "content": text}}
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
		out = append(out, message{Role: role, Parts: partsOf(resp["content"]), FinishReason: str(resp["stop_reason"])})
	}
	return out
}

// partsOf reads message content: a string, or a list of OpenAI content
// parts or Anthropic content blocks.
func partsOf(content any) []part {
	switch c := content.(type) {
	case string:
		return []part{{"type": "text", "content": c}}
	case []any:
		parts := make([]part, 0, len(c))
		for _, item := range c {
			if b, ok := item.(map[string]any); ok {
				parts = append(parts, blockPart(b))
			}
		}
		return parts
	}
	return nil
}

func blockPart(b map[string]any) part {
	switch t := str(b["type"]); t {
	case "text", "input_text", "output_text":
		return part{"type": "text", "content": str(b["text"])}
	case "thinking":
		return part{"type": "reasoning", "content": str(b["thinking"])}
	case "image_url":
		url, _ := b["image_url"].(map[string]any)
		return part{"type": "uri", "modality": "image", "uri": str(url["url"])}
	case "image":
		if src, ok := b["source"].(map[string]any); ok && str(src["type"]) == "url" {
			return part{"type": "uri", "modality": "image", "uri": str(src["url"])}
		}
		return part{"type": "blob", "modality": "image"}
	case "tool_use":
		return part{"type": "tool_call", "id": str(b["id"]), "name": str(b["name"]), "arguments": b["input"]}
	case "tool_result":
		return part{"type": "tool_call_response", "id": str(b["tool_use_id"]), "response": b["content"]}
	default:
		return part{"type": t}
	}
}

// toolCalls reads OpenAI's tool_calls, whose arguments are JSON text.
func toolCalls(v any) []part {
	list, _ := v.([]any)
	var parts []part
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
		parts = append(parts, part{"type": "tool_call", "id": str(tc["id"]), "name": str(fn["name"]), "arguments": args})
	}
	return parts
}
