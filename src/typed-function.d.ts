// typed-function ships no TypeScript declarations; this covers what jetlens uses.
declare module 'typed-function' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Fn = (...args: any[]) => any;
  interface TypedFunction {
    <T extends Fn = Fn>(name: string, signatures: Record<string, Fn>): T;
    addType(type: { name: string; test: (x: unknown) => boolean }, beforeObjectTest?: boolean): void;
    create(): TypedFunction;
  }
  const typed: TypedFunction;
  export default typed;
}
