"""A small RFC 6902 applier for the tests (add, remove, replace, test), written from the RFC:
enough to apply kguard's /mutate patches and fail loudly on anything malformed."""
import copy


def _tokens(pointer):
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError("JSON Pointer must start with '/': %r" % pointer)
    # ~1 first, then ~0 (RFC 6901 section 4)
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def _parent(doc, tokens):
    cur = doc
    for t in tokens[:-1]:
        if isinstance(cur, list):
            cur = cur[int(t)]
        elif isinstance(cur, dict):
            if t not in cur:
                raise KeyError("missing parent member %r" % t)
            cur = cur[t]
        else:
            raise TypeError("cannot descend into %r" % type(cur))
    return cur


def apply_patch(doc, patch):
    doc = copy.deepcopy(doc)
    for op in patch:
        toks = _tokens(op["path"])
        if not toks:
            raise ValueError("whole-document operations are not used by kguard")
        parent, last = _parent(doc, toks), toks[-1]
        kind = op["op"]
        if kind == "add":
            if isinstance(parent, list):
                parent.insert(len(parent) if last == "-" else int(last), copy.deepcopy(op["value"]))
            elif isinstance(parent, dict):
                parent[last] = copy.deepcopy(op["value"])
            else:
                raise TypeError("add into a scalar at %s" % op["path"])
        elif kind == "remove":
            del parent[int(last) if isinstance(parent, list) else last]
        elif kind == "replace":
            key = int(last) if isinstance(parent, list) else last
            if isinstance(parent, dict) and key not in parent:
                raise KeyError("replace of a missing member %s" % op["path"])
            parent[key] = copy.deepcopy(op["value"])
        elif kind == "test":
            key = int(last) if isinstance(parent, list) else last
            if parent[key] != op["value"]:
                raise AssertionError("test failed at %s" % op["path"])
        else:
            raise ValueError("unsupported op %r" % kind)
    return doc
