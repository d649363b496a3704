/* static_bss.c - an ET_EXEC with initialized data and a bss of several
 * pages (see README.md). */
char big_bss[5 * 4096 + 123];
int data_word = 42;

int main(int argc, char **argv)
{
	(void)argv;
	big_bss[5000] = (char)argc;
	return data_word + big_bss[1];
}
