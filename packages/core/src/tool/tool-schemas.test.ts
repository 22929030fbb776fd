import { describe, expect, it } from 'vitest';
import { createDefaultTools } from './default-tools.js';
import { toToolSpec } from './tool.js';

// What the model sees for every built-in tool. A change here changes the prompt: review the
// snapshot diff for wording and size (every token costs prefill time on a CPU).
describe('built-in tool specs', () => {
  const tools = createDefaultTools();

  it('come in a stable order', () => {
    expect(tools.map((tool) => tool.name)).toEqual([
      'read_file',
      'list_files',
      'search_code',
      'edit_file',
      'write_file',
      'run_command',
    ]);
  });

  for (const tool of tools) {
    it(`${tool.name} matches the snapshot`, () => {
      expect(toToolSpec(tool)).toMatchSnapshot();
    });

    it(`${tool.name} has a short description`, () => {
      expect(tool.description.split(/\s+/).length).toBeLessThanOrEqual(85);
    });
  }
});
