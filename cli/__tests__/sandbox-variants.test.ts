import { Command } from 'commander'
import { addVariantOptions, variantOptions } from '../sandbox-command'

describe('drift-destination sandbox: variant flags', () => {
  const parse = (args: string[]) => {
    const command = addVariantOptions(new Command('sandbox').exitOverride().configureOutput({ writeErr: () => {} }))
    command.parse(args, { from: 'user' })
    return variantOptions(command.opts())
  }

  it('should pass the chosen variants to the sandbox and leave the rest at their defaults', () => {
    expect(parse(['--lookup-shape', 'object', '--unknown-timeline', '200-dropped'])).toEqual({
      variants: { lookupShape: 'object', unknownTimeline: '200-dropped' }
    })
    expect(parse([])).toEqual({})
  })

  it('should refuse a choice the variant does not have, naming the flag and the choices', () => {
    expect(() => parse(['--duplicate-contact', '500'])).toThrow(
      /--duplicate-contact <choice>' argument '500' is invalid. Allowed choices are 409-with-id, 409-without-id, 400-message/
    )
  })
})
