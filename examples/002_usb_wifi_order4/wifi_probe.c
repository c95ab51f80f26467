/* seed002: a USB Wi-Fi dongle (MediaTek MT7663, wlan_mt7663_usb) plugged
 * into an Amlogic TV box after hours of tests.  hub_event() probes the
 * driver on a workqueue; glRegisterBus() calls glSetHifInfo(), which
 * allocates the USB command buffer with kmalloc(USB_TX_CMD_BUF_SIZE,
 * GFP_ATOMIC).  64 KiB is above KMALLOC_MAX_CACHE_SIZE, so the request goes
 * to the buddy allocator as an order-4 compound page.
 *
 *   wifi_probe            the driver as shipped
 *   wifi_probe --movable  the buffer asked for with __GFP_MOVABLE, which
 *                         lets the allocator use the free CMA blocks
 *
 * Exit status: 0 when the probe got its buffer, 1 when it failed (where
 * the real driver went on to dereference NULL).
 */
#include <stdio.h>
#include <string.h>

#include <gfpshim/kernel.h>

#define USB_TX_CMD_BUF_SIZE (64 * 1024)

struct usb_req {
	unsigned char *buf;
};

static gfp_t extra_gfp;

static __attribute__((noinline)) int glSetHifInfo(struct usb_req *req)
{
	req->buf = kmalloc(USB_TX_CMD_BUF_SIZE, GFP_ATOMIC | extra_gfp);
	if (!req->buf) {
		fprintf(stderr, "wlan_mt7663_usb: glSetHifInfo: no memory for "
			"the %d-byte command buffer\n", USB_TX_CMD_BUF_SIZE);
		return -1;
	}
	memset(req->buf, 0, USB_TX_CMD_BUF_SIZE);
	return 0;
}

static __attribute__((noinline)) int glRegisterBus(struct usb_req *req)
{
	return glSetHifInfo(req);
}

static __attribute__((noinline)) int hub_event(void)
{
	struct usb_req req;
	if (glRegisterBus(&req) < 0)
		return -1;
	printf("wlan_mt7663_usb: probe done, command buffer at %p\n",
	       (void *)req.buf);
	kfree(req.buf);
	return 0;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--movable") == 0) {
			extra_gfp = __GFP_MOVABLE;
		} else {
			fprintf(stderr, "usage: %s [--movable]\n", argv[0]);
			return 2;
		}
	}
	return hub_event() < 0;
}
