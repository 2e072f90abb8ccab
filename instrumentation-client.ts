import { z } from 'zod';

// Zod probes for eval (`new Function('')`) before compiling its fast object
// parsers; under the console's CSP (no 'unsafe-eval') the browser reports that
// probe as a violation. The plain parsers need no eval.
z.config({ jitless: true });
