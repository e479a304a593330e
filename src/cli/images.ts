import { type Command, InvalidArgumentError, Option } from 'commander';
import { outputFormat, writeOutput, type OutFormat } from './output.js';
import { runSharded } from '../shard/run.js';
import { jetImages, type ImageCenter, type ImageRotate } from '../jss/images.js';
import { action, info, intOption, progress, shardOptions } from './util.js';

interface Opts {
  in: string;
  out: string;
  dataset: string;
  npix: number;
  width?: number;
  imgWidth?: number;
  center: string;
  rotate: string;
  flip?: boolean;
  norm: boolean;
  threads: number;
  backend: string;
  shard?: string;
  force?: boolean;
}

const HELP = `
Writes a float32 array (N, npix, npix): rows = phi (row index grows with dphi), columns = y (grows with dy),
intensity = sum of pT per pixel. Preprocessing, in order:
  1. --center centroid (default): subtract the pT-weighted centroid of (y, phi), phi wrapped around the jet axis;
     leading: the leading exclusive-kT (N = 2) subjet's axis; none: (y, phi wrapped to [-pi, pi]) as they are.
  2. --rotate principal: principal axis of the pT-weighted second-moment matrix along +phi; subjet: the direction
     to the second kT subjet along +phi; none (default).
  3. --flip (default off): reflect so the pT sum with dy > 0 is >= that with dy < 0, likewise for dphi.
  4. pixels cover [-img_width/2, img_width/2] in dy and dphi (EnergyFlow's convention; --width W is the older
     half-width flag, W = img_width/2); particles outside are dropped and counted.
  5. --norm (default on; --no-norm to keep GeV): divide each image by its total intensity.`;

const FORMATS: OutFormat[] = ['npy', 'npz', 'h5'];

/** The half-width the kernel takes: --img-width / 2 (EnergyFlow's full width), or the older --width as given. */
function halfWidth(o: Opts): number {
  if (o.imgWidth !== undefined) return o.imgWidth / 2;
  if (o.width === undefined) return 1.0;
  info(`images: note: --width ${o.width} is the half-width (pixels cover [-${o.width}, ${o.width}]); EnergyFlow's img_width is the full width: use --img-width ${2 * o.width}`);
  return o.width;
}

function finite(name: string) {
  return (v: string) => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || x <= 0) throw new InvalidArgumentError(`--${name}: expected a number > 0, got '${v}'`);
    return x;
  };
}

export const register = (program: Command) =>
  shardOptions(program
    .command('images')
    .description('jet images: pT-weighted (y, phi) grids with optional centring, rotation, flip and normalisation')
    .requiredOption('--in <file>', 'jets (.npz, .npy, .h5, .csv, .jsonl)')
    .requiredOption('--out <file>', "images: .npy (N, npix, npix), or .npz/.h5 with 'images' and the labels as 'y'")
    .option('--dataset <name>', 'array/dataset holding the particles', 'X')
    .option('--npix <n>', 'pixels per side', intOption('npix', 1), 33)
    .option('--img-width <w>', "full width of the image in y and phi, as EnergyFlow's pixelate(img_width=...) (default 2)", finite('img-width'))
    .addOption(new Option('--width <w>', 'HALF-width (older flag; = img-width / 2)').argParser(finite('width')).conflicts('imgWidth'))
    .addOption(new Option('--center <mode>', 'centring').choices(['centroid', 'leading', 'none']).default('centroid'))
    .addOption(new Option('--rotate <mode>', 'rotation').choices(['principal', 'subjet', 'none']).default('none'))
    .option('--flip', 'flip so the harder half sits at dy > 0 and dphi > 0')
    .option('--norm', 'normalise each image to unit sum (default)')
    .option('--no-norm', 'keep the pixel intensities in GeV')
    .option('--threads <n>', 'worker threads for a native kernel (0 = all cores)', intOption('threads', 0), 0)
    .option('--backend <name>', 'kernel backend: auto, native, reference', 'auto'))
    .addHelpText('after', HELP)
    .action(
      action(async (o: Opts) => {
        outputFormat(o.out, FORMATS);
        const width = halfWidth(o);
        const settings = { npix: o.npix, width, center: o.center, rotate: o.rotate, flip: Boolean(o.flip), norm: o.norm !== false, dataset: o.dataset };
        const ran = await runSharded({ command: 'images', input: o.in, dataset: o.dataset, output: o.out, shard: o.shard, force: o.force, settings }, async (jets) => {
          const bar = progress('images', jets.length);
          const im = await jetImages(jets, {
            npix: o.npix, width, center: o.center as ImageCenter, rotate: o.rotate as ImageRotate, flip: Boolean(o.flip),
            normalize: o.norm !== false, threads: o.threads, backend: o.backend, onProgress: (d, n) => bar.update(d, n),
          }).finally(() => bar.stop());
          await writeOutput(o.out, { arrays: { images: { data: im.data, shape: [...im.shape] } }, main: 'images', labels: jets.labels }, FORMATS);
          info(`images: ${jets.length} jets -> ${o.out} (${im.shape.join(' x ')}); ${im.dropped} of ${jets.size} particles outside the image`);
        });
        if (!ran) info(`images: ${o.out} already holds shard ${o.shard} (use --force to redo)`);
      }),
    );
