/**
 * Installs zod's English messages (`expected string, received number`), which packsmith's
 * validation errors quote. packsmith uses `zod/mini`, whose schemas carry no methods, so the bundle
 * keeps only the parts of zod it uses (the classic `zod` API brought all of it, about 750 KB, into
 * every command's start-up); unlike the classic API, `zod/mini` installs no messages itself.
 * Imported for its effect by `index.ts`, so every module that reaches `shared` parses with them.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());
