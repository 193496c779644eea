// Unknown fields (a typo such as `replica: 2` or `imagePullPolciy`) pass kubernetes-models' validation: its schemas
// do not say additionalProperties: false, and the API server would silently drop such a field. The compiled
// validators read every property their schema defines (`data.replicas`, `data.imagePullPolicy`, ...) and iterate
// map-typed objects (labels, resources.limits) key by key, so a key of the manifest that the validator never read is
// a key the schema does not define. The validator runs on proxies that record those reads.

const isObject = (value) => typeof value === "object" && value !== null;

/** Runs `validate` (throws on schema errors) on `object` and returns the dotted paths of fields no schema defines. */
export function unknownFields(validate, object) {
  const read = new WeakMap();
  const proxies = new WeakMap();
  const note = (target, key) => {
    if (!read.has(target)) read.set(target, new Set());
    if (key !== undefined) read.get(target).add(key);
  };
  const wrap = (target) => {
    if (!proxies.has(target)) {
      proxies.set(target, new Proxy(target, {
        get(t, key) {
          note(t, key);
          const value = Reflect.get(t, key);
          return isObject(value) ? wrap(value) : value;
        },
        has(t, key) {
          note(t, key);
          return Reflect.has(t, key);
        },
        ownKeys(t) {
          note(t);
          return Reflect.ownKeys(t);
        },
      }));
    }
    return proxies.get(target);
  };

  let schemaError;
  try {
    validate(wrap(object));
  } catch (error) {
    schemaError = error;
  }
  const unknown = [];
  collect(object, "", read, unknown);
  return { unknown, schemaError };
}

function collect(value, path, read, unknown) {
  if (Array.isArray(value)) {
    value.forEach((item, index) => collect(item, `${path}[${index}]`, read, unknown));
    return;
  }
  // An object the validator never looked into is free-form (e.g. x-kubernetes-preserve-unknown-fields): not judged.
  if (!isObject(value) || !read.has(value)) return;
  for (const key of Object.keys(value)) {
    const where = path ? `${path}.${key}` : key;
    if (read.get(value).has(key)) collect(value[key], where, read, unknown);
    else unknown.push(where);
  }
}
