// Every test runs in UTC so date conversions are the same on every machine.
process.env.TZ = 'UTC'
