// Files chosen in the page, as the API takes them.

/** The bytes of a file (its `arrayBuffer()`), base64-encoded for a JSON body. */
export function base64(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return window.btoa(text);
}
