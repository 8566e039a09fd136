import { type BudgetStatus, formatUsdAligned } from '@aimux/ai-core'
import type { Command } from 'commander'
import { budgetBar, budgetOwner, budgetShare } from '../budget-view.js'
import { examples } from '../examples.js'
import { type GlobalOptions, withAI } from '../open-ai.js'
import { note, print, printJson } from '../output.js'
import { parseScope } from '../parse-scope.js'
import { table } from '../table.js'

const collect = (value: string, previous: string[] = []) => [...previous, value]

export function registerBudgets(program: Command): void {
  const command = program
    .command('budgets')
    .summary('where the budgets stand: spent, reserved, remaining')
    .description(
      'Where each budget of the config stands in its current period for a scope: spent, reserved by calls ' +
        'still running, the limit and what remains, with a bar. Without --scope, the global budgets.',
    )
    .option(
      '--scope <kind:id>',
      'user:<id>, tenant:<id> or project:<id> (repeatable: tenant and user together)',
      collect,
    )
    .option('--json', 'the budgets as JSON, amounts in exact nano-USD and in USD')
    .action(async (options: { scope?: string[]; json?: boolean }, cmd: Command) => {
      const scope = parseScope(options.scope ?? [])
      await withAI(cmd.optsWithGlobals<GlobalOptions>(), async (ai) => {
        const budgets = await ai.budgets.status(scope)
        if (options.json) return printJson(budgets)
        if (budgets.length === 0) return note('No budget of the config applies to this scope.')
        // Each column of amounts is aligned on its decimal point.
        const column = (amount: (b: BudgetStatus) => number) => formatUsdAligned(budgets.map(amount))
        const spent = column((b) => b.spentNanoUsd)
        const reserved = column((b) => b.reservedNanoUsd)
        const limit = column((b) => b.limitNanoUsd)
        const remaining = column((b) => b.remainingNanoUsd)
        const rows = budgets.map((budget, i) => [
          budgetOwner(budget),
          `${budget.period} from ${budget.periodStart}`,
          spent[i] ?? '',
          reserved[i] ?? '',
          limit[i] ?? '',
          remaining[i] ?? '',
          `${budgetBar(budget)} ${budgetShare(budget)}`,
          budget.hard ? 'hard' : 'soft',
        ])
        const right = { align: 'right' } as const
        print(
          table(
            [
              { header: 'BUDGET' },
              { header: 'PERIOD' },
              { header: 'SPENT', ...right },
              { header: 'RESERVED', ...right },
              { header: 'LIMIT', ...right },
              { header: 'REMAINING', ...right },
              { header: 'USED' },
              { header: 'KIND' },
            ],
            rows,
          ),
        )
      })
    })
  examples(command, [
    ['aimux budgets', 'the global budgets'],
    ['aimux budgets --scope user:u1', "user u1's budgets (and the global ones)"],
    ['aimux budgets --scope tenant:acme --scope user:u1', 'a user of a tenant'],
    ['aimux budgets --scope user:u1 --json', 'as JSON'],
  ])
}
