// The page's view of the browser: only what it uses. The project type-checks without lib.dom (its
// code runs on Node), so the few DOM members the verifier touches are written out here, and the
// page reaches them through `globalThis` once, in browserOf().

/** An event the page listens to. */
export interface PageEvent {
  preventDefault(): void;
}

/** A file the officer picked (a Blob). */
export interface PageFile {
  readonly name: string;
  readonly size: number;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** An element, as far as the page uses one. */
export interface PageElement {
  textContent: string | null;
  hidden: boolean;
  className: string;
  lang: string;
  readonly dataset: Record<string, string | undefined>;
  append(...nodes: Array<PageElement | string>): void;
  replaceChildren(...nodes: Array<PageElement | string>): void;
  addEventListener(type: string, listener: (event: PageEvent) => void): void;
}

/** A text field or a file input. */
export interface PageInput extends PageElement {
  value: string;
  readonly files: ArrayLike<PageFile> | null;
}

/** The document. */
export interface PageDocument {
  getElementById(id: string): PageElement | null;
  createElement(tag: string): PageElement;
}

/** localStorage; absent or throwing in some private modes. */
export interface PageStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** What the page needs of the browser. */
export interface PageBrowser {
  readonly document: PageDocument;
  readonly storage: PageStorage | null;
  /** WebCrypto is there only in a secure context (https, localhost, a file opened from disk). */
  readonly hasWebCrypto: boolean;
}

/** The running browser's parts. */
export function browserOf(): PageBrowser {
  const scope = globalThis as unknown as {
    document: PageDocument;
    localStorage?: PageStorage;
    crypto?: { subtle?: unknown };
  };
  let storage: PageStorage | null = null;
  try {
    storage = scope.localStorage ?? null;
  } catch {
    // Reading localStorage throws where the browser forbids it (a sandboxed frame, some settings).
  }
  return { document: scope.document, storage, hasWebCrypto: !!scope.crypto?.subtle };
}
