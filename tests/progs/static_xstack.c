/* static_xstack.c - built with -z execstack: PT_GNU_STACK asks for an
 * executable stack (README.md). */
int main(int argc, char **argv)
{
	(void)argv;
	return argc - 1;
}
