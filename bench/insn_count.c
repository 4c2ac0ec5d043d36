// A QEMU plugin (plugin API version 1: QEMU 7.x and 8.x) for bench/instructions.ts: it counts the
// guest instructions executed, all threads together, and keeps the running total in the file named
// by the plugin argument `out=PATH`, rewritten every 5 ms while it changes.
//
//   cc -O2 -shared -fPIC -o libinsn_count.so bench/insn_count.c -lpthread
//   qemu-x86_64 -cpu max -plugin ./libinsn_count.so,out=/tmp/count PROGRAM ARGS...
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

// The few declarations of QEMU's qemu-plugin.h this plugin uses (Debian ships no header).
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t total;
static char out[4096];
static char tmp[4200];

// Each translated block adds its instruction count when it runs (atomically: threads run in parallel).
static void on_exec(unsigned int vcpu, void *n) {
  (void)vcpu;
  __atomic_fetch_add(&total, (uint64_t)(uintptr_t)n, __ATOMIC_RELAXED);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  qemu_plugin_register_vcpu_tb_exec_cb(tb, on_exec, QEMU_PLUGIN_CB_NO_REGS,
                                       (void *)(uintptr_t)qemu_plugin_tb_n_insns(tb));
}

// Writes the total to a temporary file and renames it over `out`, so a reader never sees half a number.
static void *report(void *arg) {
  (void)arg;
  uint64_t last = UINT64_MAX;
  struct timespec pause = {0, 5 * 1000 * 1000};
  for (;;) {
    uint64_t now = __atomic_load_n(&total, __ATOMIC_RELAXED);
    if (now != last) {
      FILE *file = fopen(tmp, "w");
      if (file) {
        fprintf(file, "%llu\n", (unsigned long long)now);
        fclose(file);
        rename(tmp, out);
        last = now;
      }
    }
    nanosleep(&pause, NULL);
  }
  return NULL;
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                               const qemu_info_t *info, int argc,
                                                               char **argv) {
  (void)info;
  for (int i = 0; i < argc; i++) {
    if (strncmp(argv[i], "out=", 4) == 0) snprintf(out, sizeof out, "%s", argv[i] + 4);
  }
  if (!out[0]) {
    fprintf(stderr, "insn_count: give the plugin argument out=PATH\n");
    return -1;
  }
  snprintf(tmp, sizeof tmp, "%s.tmp", out);
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  pthread_t thread;
  pthread_create(&thread, NULL, report, NULL);
  pthread_detach(thread);
  return 0;
}
