// class-transformer ships the types of its metadata storage apart from the CommonJS module
// that holds it; the property tests read which class a nested field is validated as.
declare module 'class-transformer/cjs/storage' {
  export * from 'class-transformer/types/storage';
}
