/**
 * A realistic Segment identify/track payload for the flattening benchmark: 40 leaf keys over traits and
 * properties, nested address/company/plan objects, arrays of primitives and of objects, Dates, ISO strings,
 * booleans and numbers.
 */
export function realisticEvent(): Record<string, unknown> {
  return {
    traits: {
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '+44 20 7946 0958',
      title: 'Chief Analyst',
      createdAt: new Date('2023-03-14T09:26:53Z'),
      start_date: '2023-03-14',
      lastSeen: '2024-05-01T12:00:00.000Z',
      verified: true,
      loginCount: 42,
      tags: ['beta', 'enterprise', 'emea'],
      address: {
        street: '12 Analytical Row',
        city: 'London',
        postalCode: 'N1 9GU',
        country: 'GB',
        geo: { lat: 51.5362, lng: -0.1034 }
      },
      company: {
        id: 'c_981',
        name: 'Analytical Engines Ltd',
        employees: 120,
        industry: 'Computing',
        foundedAt: new Date('1843-07-01T00:00:00Z'),
        plan: { name: 'Growth', seats: 25, monthly: false, renewsAt: new Date('2025-01-01T00:00:00Z') }
      }
    },
    properties: {
      orderId: 'ord_5521',
      revenue: 129.99,
      currency: 'GBP',
      coupon: 'SPRING24',
      gift: false,
      products: [
        { sku: 'AE-1', name: 'Difference Engine', price: 99.99, quantity: 1 },
        { sku: 'AE-2', name: 'Punch Cards', price: 30, quantity: 3 }
      ],
      categories: ['hardware', 'history'],
      shippedAt: new Date('2024-05-02T08:15:00Z'),
      campaign: { source: 'newsletter', medium: 'email', name: 'spring-launch' },
      page: { path: '/checkout', referrer: 'https://example.com/cart', url: 'https://example.com/checkout' }
    }
  }
}

/** Counts the leaf keys (non-object values, arrays counted once) of a nested value. */
export function countLeafKeys(value: unknown): number {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) return 1
  return Object.values(value).reduce<number>((sum, item) => sum + countLeafKeys(item), 0)
}
