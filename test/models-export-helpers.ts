// Reads the attributes and dataset paths of an HDF5 file with h5wasm (for the export test).
export async function readFileData(file: string): Promise<{ attrs: Record<string, string>; datasetPaths: string[] }> {
  const h = (await import('h5wasm/node')).default;
  await h.ready;
  const f = new h.File(file, 'r');
  try {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(f.attrs)) attrs[k] = String((v as { value: unknown }).value);
    const datasetPaths: string[] = [];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const walk = (g: any, path: string) => {
      for (const k of g.keys()) {
        const c = g.get(k);
        if (c.type === 'Dataset') datasetPaths.push(`${path}${k}`);
        else walk(c, `${path}${k}/`);
      }
    };
    walk(f, '');
    return { attrs, datasetPaths };
  } finally {
    f.close();
  }
}
