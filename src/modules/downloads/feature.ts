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
  },
};
