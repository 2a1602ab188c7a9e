/* The kiosk's entry point: wiring only. */
int main(void)
{
	return 0;
}
