// The CSS the dashboard pages share: the Drizzle dashboard (and the Prisma page built from it) and the Kysely page.
export const pageCss = `
  :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7fb; }
  body { max-width: 980px; margin: 2rem auto; padding: 0 1rem; }
  h1 { margin-bottom: 0.2rem; } .sub { color: #5b6475; margin-top: 0; }
  section { background: #fff; border-radius: 10px; padding: 1rem 1.2rem; margin: 1rem 0; box-shadow: 0 1px 3px #0001; }
  button { font: inherit; padding: 0.5rem 0.9rem; border-radius: 7px; border: 1px solid #c9cfdc; background: #fff; cursor: pointer; }
  button.primary { background: #f38020; border-color: #f38020; color: #fff; }
  button:disabled { opacity: 0.5; cursor: wait; }
  input { font: inherit; padding: 0.45rem; border-radius: 7px; border: 1px solid #c9cfdc; width: 18rem; }
  .row { display: flex; gap: 0.6rem; flex-wrap: wrap; align-items: center; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 0.6rem; }
  .stat { background: #f6f7fb; border-radius: 8px; padding: 0.6rem; } .stat b { display: block; font-size: 1.4rem; }
  .badge { display: inline-block; padding: 0.15rem 0.55rem; border-radius: 99px; font-weight: 600; }
  .hit { background: #d9f5e3; color: #11662f; } .miss { background: #fde2d6; color: #8a2d0b; }
  .stale { background: #fff3c4; color: #6b5200; } .uncached, .shared { background: #e4e8f1; color: #374054; }
  code { background: #eef1f7; padding: 0.05rem 0.3rem; border-radius: 4px; }
  .muted { color: #5b6475; font-size: 0.9rem; }
`
