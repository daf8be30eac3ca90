import type { NextFunction, Request, Response } from 'express';
import type { Feature } from '../../teams/turn.ts';

// Serves the bot's short-lived download links (src/modules/downloads/downloads.ts) and purges the expired ones.
// Features make links with deps.downloads.create and register renderers with deps.downloads.register.

export const downloadsFeature: Feature = {
  name: 'downloads',
  http: (deps, app) => {
    app.get('/downloads/:token/:format', (req, res, next) => {
      deps.downloads
        .handle(req, res)
        .then((opened) => {
          // Ids and outcomes only: the token is the secret, and it never reaches the log.
          if (opened.status === 410 && opened.owner)
            deps.log.info({ personId: opened.owner.personId, kind: opened.kind }, 'download link refused: gone');
        })
        .catch(next);
    });
    // Errors of the route above: a 4xx is the router refusing the address (a broken percent escape), which
    // a browser should see as a link that does not exist; anything else is the bot's own failure.
    app.use('/downloads/', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
      const status = (err as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) deps.downloads.refuseMalformed(res);
      else next(err);
    });
  },
};
