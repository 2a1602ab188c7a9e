/* Fuzz target: the reference platform's request-body checks (tests/platform/plat_json.c). The first byte picks
 * the body kind, the rest is the body. */
#include <stddef.h>
#include <stdint.h>

#include "tests/platform/plat_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plat_json_err err;
	json_t *root;

	if (size < 1)
		return 0;
	root = plat_json_parse((const char *)data + 1, size - 1, &err);
	if (!root)
		return 0;
	switch ((uint8_t)(data[0] - '0') % 10) { /* corpus files start with a digit */
	case 0:
		plat_json_case(root, "ZW3101150001", &err);
		break;
	case 1:
		plat_json_eval(root, "ZW3101150001", &err);
		break;
	case 2:
		plat_json_query(root, &err);
		break;
	case 3:
		plat_json_beat(root, "ZW3101150001", &err);
		break;
	case 4:
		plat_json_status(root, &err);
		break;
	case 5:
		plat_json_cert_request(root, false, &err);
		break;
	case 6:
		plat_json_cert_request(root, true, &err);
		break;
	case 7:
		plat_json_cert_issue(root, &err);
		break;
	case 9:
		plat_json_cert_print(root, "ZW3101150001", &err);
		break;
	default:
		plat_json_faults(root, &err);
		break;
	}
	json_decref(root);
	return 0;
}
