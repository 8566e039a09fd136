// A store opened with no path, in a process whose working directory is <dir>
// (migrate.test.ts): default-path-worker.ts <dir>
import { createSqliteStore } from '../../src/sqlite-store.js'

const [dir] = process.argv.slice(2) as [string]
process.chdir(dir)
const store = await createSqliteStore()
await store.conversations.createConversation({ id: 'c1' })
await store.close()
console.log('done')
