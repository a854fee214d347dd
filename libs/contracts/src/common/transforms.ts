/** `@Transform(trimmed)`: surrounding blanks of a text field are typing noise, not data. */
export const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;
