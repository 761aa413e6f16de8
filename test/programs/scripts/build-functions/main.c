int main() { return util(); }
