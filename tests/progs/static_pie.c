/* static_pie.c - a static-pie: ET_DYN without an interpreter (README.md). */
static char buf[3 * 4096];

int main(int argc, char **argv)
{
	(void)argv;
	buf[argc] = 1;
	return buf[0];
}
