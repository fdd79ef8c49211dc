// The nesting bound on a rule's output, shared by the JavaScript and the Python rule workers.
// Pure: bundled into both worker files.

/** Deepest nesting an output may have: the same bound the API puts on request bodies. */
export const MAX_OUTPUT_DEPTH = 128;

/** Nesting depth of a JSON text (arrays and objects), skipping strings; linear, no recursion. */
export function jsonDepth(json: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) max = Math.max(max, ++depth);
    else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return max;
}
