#include <stdio.h>

int main(void)
{
	printf("hello from a program compiled under mmkit shadow\n");
	return 0;
}
