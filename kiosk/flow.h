/* The resident's journey as a transition table {from, event, guard, to, action}, with entry and exit actions per
 * state. Every change of state goes through flow_set_state(), which logs old and new state by name and where. */
#ifndef KIOSK_FLOW_H
#define KIOSK_FLOW_H

#include <stdbool.h>
#include <stddef.h>

struct kiosk;

enum flow_state {
	FLOW_HOME,
	FLOW_CARD,       /* 请将身份证放在感应区 */
	FLOW_CATALOG,    /* browse by theme */
	FLOW_SEARCH,     /* pinyin initials */
	FLOW_GUIDE,      /* 办事指南 */
	FLOW_FORM,       /* the application, filled from the card */
	FLOW_PHONE,      /* mobile number on the digit pad */
	FLOW_SCAN,       /* one material at a time */
	FLOW_SUMMARY,    /* 一次性告知, 容缺受理, confirm */
	FLOW_SUBMIT,     /* storing the case */
	FLOW_PRINT,      /* printing the receipt */
	FLOW_PRINT_FAULT,
	FLOW_EVAL,       /* 好差评 */
	FLOW_REASONS,
	FLOW_EVAL_TEXT,
	FLOW_THANKS,
	FLOW_QUERY,      /* 进度查询: card or query code */
	FLOW_PROGRESS,   /* 进度查询: the answer */
	FLOW_CERTS_CARD, /* 证照打印: the ID card */
	FLOW_CERTS,      /* 证照打印: the holder's certificates and proofs */
	FLOW_CERT_PRINT, /* 证照打印: fetching and printing one, or why it failed */
	FLOW_CERT_DONE,  /* 证照打印: printed, take it */
	FLOW_RATE,          /* 好差评 tile: the terminal and hall, or a past case */
	FLOW_FOLLOW_FIND,   /* 追评: card or query code */
	FLOW_FOLLOW_CASES,  /* 追评: the resident's cases, one to rate again */
	FLOW__COUNT,
	FLOW_ANY = FLOW__COUNT /* in a row's from: any state */
};

enum flow_event {
	EV_TILE,        /* arg: home tile */
	EV_CARD_OK,
	EV_CARD_FAIL,   /* arg: enum kerr */
	EV_HOME,
	EV_BACK,
	EV_NEXT,
	EV_TAB,
	EV_ITEM,
	EV_SEARCH,
	EV_KEY,         /* arg: character or UI_KEYCODE_* */
	EV_PAGE_UP,
	EV_PAGE_DOWN,
	EV_FIELD,
	EV_CHOICE,
	EV_SCAN,
	EV_SCAN_PAGE,   /* a page arrived (handled before dispatch: the payload is the kiosk's) */
	EV_SCAN_DONE,   /* arg: enum kerr */
	EV_RETAKE,
	EV_TOGGLE,
	EV_STORED,
	EV_STORE_FAIL,  /* arg: enum kerr */
	EV_PRINTED,
	EV_PRINT_FAIL,  /* arg: enum kerr */
	EV_RETRY,
	EV_SKIP,
	EV_LEVEL,       /* arg: 0..4 */
	EV_REASON,
	EV_TIMEOUT,     /* the screen's own timer (thanks) */
	EV_IDLE,        /* nobody touched the screen for the session timeout */
	EV_QUERY_DONE,  /* the platform answered a 进度查询 (or could not) */
	EV_CERTS_DONE,  /* the platform answered a 证照打印 list or fetch; arg: enum kerr */
	EV__COUNT
};

typedef bool flow_guard_fn(struct kiosk *k, int arg);
typedef void flow_action_fn(struct kiosk *k, int arg);

struct flow_row {
	enum flow_state from;
	enum flow_event event;
	flow_guard_fn *guard; /* NULL: always */
	enum flow_state to;
	flow_action_fn *action; /* NULL: none */
};

struct flow_state_def {
	const char *name;
	void (*enter)(struct kiosk *k);
	void (*exit)(struct kiosk *k);
	bool is_session; /* the screen belongs to a resident's session: idle timeout and countdown apply */
	int step;        /* "第N步" during an application; 0: not shown */
};

/* The table and the states, for the engine and the tests that walk them. */
const struct flow_row *flow_table(size_t *ret_n);
const struct flow_state_def *flow_states(void);
const char *flow_state_str(enum flow_state s);
const char *flow_event_str(enum flow_event e);

/* Runs the first row matching (state, event) whose guard passes; internal rows (to == from) run only the action.
 * Events posted with flow_post() during it run afterwards, in order. Returns false when no row matched. */
bool flow_dispatch(struct kiosk *k, enum flow_event ev, int arg);
/* Queues an event to run after the current dispatch (entry actions use it). */
void flow_post(struct kiosk *k, enum flow_event ev, int arg);
/* Changes state: exit action, log line, entry action. */
void flow_set_state_at(struct kiosk *k, enum flow_state to, const char *where);
#define flow_set_state(k, s) flow_set_state_at((k), (s), __func__)

#endif
