/**
 * `--platform os/arch[/variant]`: which member of an image index a read command shows, as
 * `pack builder inspect` and `skopeo --override-arch` pick one. Without it, linux/amd64.
 */
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { parsePlatformText, type Platform } from '../app/index.ts';
import { messageOf } from '../shared/index.ts';

/** A new `--platform` option; a malformed value is a usage error naming the expected shape. */
export function platformOption(): Option<'--platform <os/arch[/variant]>', undefined, undefined, Platform, false, undefined> {
  return new Option('--platform <os/arch[/variant]>', 'the image of an index to read (default linux/amd64)').argParser((text: string): Platform => {
    try {
      return parsePlatformText(text);
    } catch (error) {
      throw new InvalidArgumentError(messageOf(error));
    }
  });
}
