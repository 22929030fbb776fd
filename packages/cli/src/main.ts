export function main(_argv: string[]): void {
  process.stdout.write('outpost\n');
}
