/** What a platform module adds to an app with RMQ handlers, and leaves out of one without. */
export interface PlatformModuleOptions {
  /**
   * Default true. The HTTP-only gateway says false: it gets no per-message interceptors,
   * which would only run a type check on every request there.
   */
  hasMessageHandlers?: boolean;
}
