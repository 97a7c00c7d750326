// The few cross-runtime globals the core may use. They exist in every runtime we ship to
// (Node >= 11, browsers, web workers), but lib "ES2022" alone does not declare them.

interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}
declare class TextDecoder {
  constructor(label?: string, options?: TextDecoderOptions);
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

/** High-resolution time, available in every runtime we ship to. */
declare const performance: { now(): number };
