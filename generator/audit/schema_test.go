package audit

import (
	"fmt"
	"sort"
	"strings"
)

// validate checks v against the subset of JSON Schema that
// doc/audit.schema.json uses: $ref (to #/$defs/...), oneOf, type, const,
// enum, properties, required, additionalProperties (false or a schema),
// items and minimum. Any other keyword is an error, so the schema cannot
// silently use something this validator ignores.
func validate(root, schema map[string]any, v any, at string) []string {
	var errs []string
	fail := func(f string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(f, args...)) }
	known := map[string]bool{"$schema": true, "$id": true, "$defs": true, "title": true, "description": true,
		"$ref": true, "oneOf": true, "type": true, "const": true, "enum": true, "properties": true,
		"required": true, "additionalProperties": true, "items": true, "minimum": true}
	for k := range schema {
		if !known[k] {
			fail("schema uses unsupported keyword %q", k)
		}
	}
	if ref, ok := schema["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/$defs/")
		def, ok := root["$defs"].(map[string]any)[name].(map[string]any)
		if !ok {
			fail("unresolvable $ref %s", ref)
			return errs
		}
		errs = append(errs, validate(root, def, v, at)...)
	}
	if alts, ok := schema["oneOf"].([]any); ok {
		n := 0
		var all []string
		for _, a := range alts {
			e := validate(root, a.(map[string]any), v, at)
			if len(e) == 0 {
				n++
			}
			all = append(all, e...)
		}
		if n != 1 {
			fail("matches %d of the oneOf alternatives: %s", n, strings.Join(all[:min(len(all), 5)], "; "))
		}
	}
	if c, ok := schema["const"]; ok && fmt.Sprint(c) != fmt.Sprint(v) {
		fail("want %v, got %v", c, v)
	}
	if e, ok := schema["enum"].([]any); ok {
		found := false
		for _, x := range e {
			found = found || x == v
		}
		if !found {
			fail("%v not in %v", v, e)
		}
	}
	if ty, ok := schema["type"].(string); ok {
		okType := false
		switch ty {
		case "object":
			_, okType = v.(map[string]any)
		case "array":
			_, okType = v.([]any)
		case "string":
			_, okType = v.(string)
		case "boolean":
			_, okType = v.(bool)
		case "integer":
			f, isNum := v.(float64)
			okType = isNum && f == float64(int64(f))
		case "number":
			_, okType = v.(float64)
		default:
			fail("schema type %q unsupported", ty)
		}
		if !okType {
			fail("want %s, got %T", ty, v)
			return errs
		}
	}
	if m, ok := schema["minimum"].(float64); ok {
		if f, isNum := v.(float64); isNum && f < m {
			fail("%v below minimum %v", f, m)
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asList(schema["required"]) {
			if _, ok := obj[r]; !ok {
				fail("missing required %q", r)
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, validate(root, ps, obj[k], at+"."+k)...)
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case bool:
				if !ap {
					fail("undocumented property %q", k)
				}
			case map[string]any:
				errs = append(errs, validate(root, ap, obj[k], at+"."+k)...)
			}
		}
	}
	if arr, ok := v.([]any); ok {
		if it, ok := schema["items"].(map[string]any); ok {
			for i, x := range arr {
				errs = append(errs, validate(root, it, x, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

func asList(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			out = append(out, x.(string))
		}
	}
	return out
}
