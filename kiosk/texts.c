/* Messages for faults, in the order the conventions ask: what happened, what to do next. */
#include "kiosk/texts.h"

const char *texts_card_error(enum kerr e)
{
	switch (e) {
	case KERR_EXPIRED:
		return "您的身份证已超过有效期，本机无法受理。请持有效身份证件办理，或到人工窗口咨询。";
	case KERR_CARD_REMOVED:
		return "读卡时身份证被移开了。请将身份证重新平放在感应区，读取完成前不要移动。";
	case KERR_INVAL:
		return "无法识别此证件。本机支持：居民身份证、港澳台居民居住证、外国人永久居留身份证。请换用有效证件，或咨询工作人员。";
	case KERR_NO_DEVICE:
		return "读卡器暂时无法使用，已通知工作人员。请到人工窗口办理，给您带来不便，敬请谅解。";
	default:
		return "未能读取身份证。请将身份证取下，重新平放在感应区。多次失败请到人工窗口办理。";
	}
}

const char *texts_reader_fault(enum kerr e)
{
	switch (e) {
	case KERR_NO_DEVICE:
		return texts_card_error(KERR_NO_DEVICE);
	case KERR_PERM:
		return "读卡器未获授权，暂时无法读卡，已通知工作人员。请到人工窗口办理，给您带来不便，敬请谅解。";
	default:
		return "读卡器暂时没有响应，正在自动恢复。请稍候再放置身份证；如仍无法读取，请到人工窗口办理。";
	}
}

const char *texts_reader_recovered(void)
{
	return "读卡器已恢复正常。请将身份证平放在下方读卡区，读取完成前请勿移动。";
}

const char *texts_camera_fault(enum kerr e)
{
	switch (e) {
	case KERR_NO_DEVICE:
		return "高拍仪暂时无法使用，已通知工作人员。您可以跳过本项，在最后一步查看缺少的材料。";
	case KERR_BUSY:
		return "高拍仪正忙，请稍候几秒再点击“拍照”。已拍的页面都已保存。";
	case KERR_TIMEOUT:
	case KERR_PROTO:
		return "高拍仪没有画面，已通知工作人员。已拍的页面都已保存；您可以稍后重试，或跳过本项到窗口补交。";
	default:
		return "拍照没有完成。请重新点击“拍照”；多次失败可跳过本项，到窗口补交。";
	}
}

const char *texts_device_fault(enum dev_class c, enum kerr e)
{
	switch (c) {
	case DEV_IDCARD:
		return texts_card_error(e == KERR_OK ? KERR_IO : e);
	case DEV_SCANNER:
		switch (e) {
		case KERR_JAMMED:
			return "扫描仪卡纸了。请取出材料，抚平后重新放好，再点击“扫描”。";
		case KERR_COVER_OPEN:
			return "扫描仪盖板没有盖好。请盖好盖板后再点击“扫描”。";
		case KERR_NO_DOCS:
			return "没有检测到材料。请将材料正面朝下放在扫描区，再点击“扫描”。";
		case KERR_NO_DEVICE:
			return "扫描仪暂时无法使用，已通知工作人员。您可以跳过本项，在最后一步查看缺少的材料。";
		case KERR_BUSY:
			return "扫描仪正忙，请稍候几秒再点击“扫描”。已扫描的页面都已保存。";
		case KERR_TIMEOUT:
			return "扫描仪没有响应，本次扫描已停止。已扫描的页面都已保存，请重新点击“扫描”。";
		default:
			return "扫描没有完成。请重新点击“扫描”；多次失败可跳过本项，到窗口补交。";
		}
	case DEV_RECEIPT:
		switch (e) {
		case KERR_PAPER_OUT:
			return "打印纸已用完。您的申请已保存，可凭查询码到窗口领取回执，或稍后在本机重新打印。";
		case KERR_COVER_OPEN:
			return "打印机仓盖未关好。您的申请已保存，请通知工作人员，或凭查询码到窗口领取回执。";
		case KERR_JAMMED:
			return "打印机卡纸了。您的申请已保存，请通知工作人员，或凭查询码到窗口领取回执。";
		default:
			return "回执打印机暂时无法使用。您的申请已保存，可凭查询码到窗口领取回执。";
		}
	case DEV_DOCPRINT:
		switch (e) {
		case KERR_PAPER_OUT:
			return "A4打印机缺纸，已通知工作人员。请稍候，工作人员添加纸张后点击“重新打印”。";
		case KERR_COVER_OPEN:
			return "A4打印机的仓门没有关好，已通知工作人员。关好后点击“重新打印”。";
		case KERR_JAMMED:
			return "A4打印机卡纸了，已通知工作人员。清除卡纸后点击“重新打印”；已打出的不完整页请交给工作人员销毁。";
		case KERR_NO_DEVICE:
			return "A4打印机暂时无法使用，已通知工作人员。您可以稍后再来，或到窗口打印。";
		default:
			return "打印没有完成，已通知工作人员。请点击“重新打印”，多次失败请到窗口打印。";
		}
	default:
		return "设备暂时无法使用，已通知工作人员。";
	}
}

const char *texts_certs_error(enum kerr e)
{
	switch (e) {
	case KERR_NET:
		return "暂时无法连接政务服务平台，证照打印需要联网。请稍后点击“重新查询”，或到窗口办理。";
	case KERR_NOT_FOUND:
		return "政务服务平台上已找不到这份证明，它可能已被更新。请返回重新查询。";
	case KERR_CORRUPT:
		return "收到的文件与平台登记的不一致，为保护您的信息没有打印。请点击“重新打印”再试一次。";
	case KERR_IO:
		return "本机暂时无法准备打印文件，已通知工作人员。请到窗口打印。";
	default:
		return "政务服务平台暂时无法提供证照，请稍后再试，或到窗口办理。";
	}
}

const char *texts_store_error(enum kerr e)
{
	switch (e) {
	case KERR_FULL:
		return "本机存储空间不足，暂时不能受理新的申请，已通知工作人员。请到人工窗口办理，您的材料没有被保存。";
	default:
		return "本机未能保存您的申请，没有生成办件。请稍后重试，或到人工窗口办理。";
	}
}

const char *texts_catalog_unavailable(void)
{
	return "本机的事项目录暂时无法使用，已通知工作人员。请到人工窗口办理。";
}

const char *texts_store_full(void)
{
	return "本机存储空间不足，暂时不能受理新的申请，已通知工作人员。您仍可查看办事指南、查询办理进度，或到人工窗口办理。";
}

const char *texts_store_unavailable(void)
{
	return "本机暂时不能受理申请（数据存储不可用），已通知工作人员。您仍可查看办事指南，或到人工窗口办理。";
}

const char *texts_reprint_error(enum kerr e)
{
	switch (e) {
	case KERR_NOT_FOUND:
		return "该办件的个人信息已按规定删除，本机无法补打回执。请凭查询码到窗口打印。";
	case KERR_PAPER_OUT:
		return "回执打印纸已用完，回执未能补打，已通知工作人员。加纸后可再次点击“补打回执”，或凭查询码到窗口打印。";
	case KERR_COVER_OPEN:
		return "回执打印机仓盖未关好，回执未能补打。请通知工作人员，关好后可再次点击“补打回执”。";
	case KERR_JAMMED:
		return "回执打印机卡纸了，回执未能补打。请通知工作人员，清除卡纸后可再次点击“补打回执”。";
	case KERR_BUSY:
		return "回执打印机正忙，请稍候几秒再点击“补打回执”。";
	default:
		return "回执打印机暂时无法使用，回执未能补打。您可凭查询码到窗口打印回执。";
	}
}
